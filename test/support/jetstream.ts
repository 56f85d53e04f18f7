import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import type { MienEvent } from '../../src/events/events.js';
import { FLEET } from '../../src/fleet/fleet-names.js';
import { scratchDir } from './fixtures.js';

/** A NATS server with JetStream, on a loopback port of its own, its store in a scratch directory. */
export interface JetStreamServer {
  readonly url: string;
  /** nats-server's process id (for its CPU time, say). */
  readonly pid: number;
  /** Stops it (SIGTERM), as a crash would not: what it stored stays in `storeDir`. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's nats-server (`scripts/setup` installs it) with JetStream (unless told not to) on
 * a free loopback port and resolves once it listens; the port is the one the server reports choosing.
 */
export async function startJetStream({ jetStream = true } = {}): Promise<JetStreamServer> {
  const storeDir = join(scratchDir(), 'jetstream');
  const args = ['-a', '127.0.0.1', '-p', '-1', '--http_port', '0', ...(jetStream ? ['-js', '-sd', storeDir] : [])];
  const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let said = '';
    const timeout = setTimeout(() => fail(new Error(`nats-server did not start within 10 s:\n${said}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timeout);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (error) => fail(new Error(`nats-server could not run (install it: scripts/setup): ${error.message}`)));
    child.once('exit', (code) => fail(new Error(`nats-server exited with ${code}:\n${said}`)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      const listening = /Listening for client connections on (127\.0\.0\.1:\d+)/.exec(said);
      if (listening && said.includes('Server is ready')) {
        clearTimeout(timeout);
        child.removeAllListeners('exit');
        child.stderr.removeAllListeners('data').resume();
        resolve(`nats://${listening[1]}`);
      }
    });
  });
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Every event in a fleet's event log, in order, with the id it was published under. */
export async function eventLog(nc: NatsConnection): Promise<{ id: string; event: MienEvent }[]> {
  const jsm = await jetstreamManager(nc);
  const stored: { id: string; event: MienEvent }[] = [];
  const state = await jsm.streams.info(FLEET.eventStream).then(
    (info) => info.state,
    (error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw error;
    },
  );
  if (!state || state.messages === 0) return stored;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(FLEET.eventStream, { seq });
    if (message) stored.push({ id: message.header.get('Nats-Msg-Id'), event: message.json<MienEvent>() });
  }
  return stored;
}

/** A test file's JetStream server and one connection to it; set once the file's `beforeAll` ran. */
export interface JetStreamForTests {
  readonly server: JetStreamServer;
  readonly nc: NatsConnection;
}

/** Starts a JetStream server and connects to it before the file's tests; closes both after them. */
export function jetStreamForTests(): JetStreamForTests {
  const held: { server?: JetStreamServer; nc?: NatsConnection } = {};
  beforeAll(async () => {
    held.server = await startJetStream();
    held.nc = await connect({ servers: held.server.url });
  });
  afterAll(async () => {
    await held.nc?.close();
    await held.server?.stop();
  });
  return {
    get server() {
      return held.server!;
    },
    get nc() {
      return held.nc!;
    },
  };
}
