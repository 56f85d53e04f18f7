import { afterAll, beforeAll } from 'vitest';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig, type ServerConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { FIXTURES, scratchDir } from './fixtures.js';

/** A test file's server and the runtime it shares; set once the file's `beforeAll` ran. */
export interface TestServer {
  readonly runtime: AnalysisRuntime;
  readonly server: MienServer;
}

/**
 * Starts a server on a free loopback port, over a runtime of its own, before the file's tests,
 * and closes both after them. Its data directory is new; files and stills may be named inside
 * the fixtures, or as `overrides` say.
 */
export function serverForTests(overrides: Partial<ServerConfig> = {}): TestServer {
  const held: { runtime?: AnalysisRuntime; server?: MienServer } = {};
  beforeAll(async () => {
    held.runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
    held.server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), mediaRoot: FIXTURES, ...overrides } }), { runtime: held.runtime, log: () => {} });
  });
  afterAll(async () => {
    await held.server?.close();
    await held.runtime?.close();
  });
  return {
    get runtime() {
      return held.runtime!;
    },
    get server() {
      return held.server!;
    },
  };
}
