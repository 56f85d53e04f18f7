import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { MienGateway } from '../../server/gateway.js';
import { MienServer } from '../../server/server.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { DEMO_PICTURE } from '../options.js';
import { ConfigError } from '../../server/errors.js';

const USAGE = [
  'Usage: mien serve [--port N] [--host H] [--data DIR] [--config FILE] [--demo | --nats URL]',
  '',
  'Runs the service: streams analysed live, events over WebSocket (/events) and REST (/api/...),',
  'Prometheus metrics (/metrics), the dashboard (/). Settings come from FILE (JSON), then the',
  'environment (MIEN_PORT, MIEN_HOST, MIEN_DATA_DIR, MIEN_TOKEN, ...), then these flags.',
  '',
  '  --port N       default 8080',
  '  --host H       default 127.0.0.1 (another address needs a token: MIEN_TOKEN)',
  '  --data DIR     SQLite database and thumbnails (default ./mien-data)',
  '  --config FILE  JSON settings (docs/server.md)',
  '  --demo         add a demo stream (the astronaut portrait as a live camera) and, if there is no',
  '                 custom expression yet, her smile as one tagged "smile"',
  '  --nats URL     be a gateway of the fleet on this NATS server (JetStream on; MIEN_NATS): its',
  '                 streams run on `mien worker`s, and this server stores and serves their events',
  '                 (docs/scale-out.md)',
].join('\n');

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the service: live streams, WebSocket events, REST API, metrics, dashboard',
  usage: USAGE,
  async run(argv, settings) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, config: { type: 'string' }, demo: { type: 'boolean', default: false }, nats: { type: 'string' } },
    });
    let config;
    try {
      config = loadConfig({ file: values.config, overrides: { port: values.port, host: values.host, dataDir: values.data, nats: values.nats } });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message, 2);
      throw error;
    }
    const cannotStart = (caught: unknown): never => {
      const error = caught as Error;
      throw new CliError(error instanceof ConfigError ? error.message : `cannot start: ${error.message}`);
    };
    let server: MienServer | MienGateway;
    if (config.nats !== undefined) {
      if (values.demo) throw new CliError('--demo runs a stream in this process; a gateway (--nats) runs none: add the demo\'s picture as a still stream instead', 2);
      server = await MienGateway.start({ ...config, nats: config.nats }, { settings }).catch(cannotStart);
      console.error(`mien: gateway of the fleet at ${config.nats}, serving on ${server.url} (data in ${config.dataDir}${config.token ? ', token required' : ''})`);
    } else {
      const local = await MienServer.start(config, { settings }).catch(cannotStart);
      server = local;
      console.error(`mien: serving on ${local.url} (data in ${config.dataDir}${config.token ? ', token required' : ''}); WebRTC publishers: ${local.whip.publishUrl('NAME')}`);
      if (values.demo) {
        if (!existsSync(DEMO_PICTURE)) throw new CliError('the demo picture is missing; run scripts/setup');
        await local.addDemo(DEMO_PICTURE);
        console.error(`mien: demo stream "demo" added; open ${local.url}/ or watch ${local.url}/api/identities`);
      }
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        console.error('mien: shutting down');
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    // Everything is stored and closed; a pipeline still on its way to NULL behind a dead camera's
    // connection (its own thread, docs/ingest.md) must not keep a stopped server alive.
    setTimeout(() => process.exit(0), 2_000).unref();
    return 0;
  },
};
