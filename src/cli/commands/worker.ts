import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { StreamWorker } from '../../fleet/stream-worker.js';
import { WorkerMetrics } from '../../fleet/worker-metrics.js';
import { WorkerStatus } from '../../fleet/worker-status.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { analysisFps } from '../options.js';

const USAGE = [
  'Usage: mien worker --nats URL [--capacity N] [--lease-seconds S] [--fps N] [--name NAME] [--media-root DIR] [--status-port N] [--status-host H]',
  '',
  'Runs streams for a fleet (docs/scale-out.md): claims streams the fleet should run from NATS',
  'JetStream (a lease each, renewed while it runs them), analyses them, and publishes their events',
  'to JetStream. A stream runs on one worker; when a worker dies, others claim its streams once its',
  'leases expire.',
  '',
  '  --nats URL          the NATS server, with JetStream on (e.g. nats://127.0.0.1:4222)',
  '  --capacity N        streams run at most (default 4)',
  '  --lease-seconds S   how long a lease lasts unrenewed: a dead worker\'s streams wait this long (default 10;',
  '                      the fleet keeps the time of the first worker or gateway that started)',
  '  --fps N             frames analysed per second of each stream (default 5)',
  '  --name NAME         this worker\'s name in the fleet (default HOST-PID)',
  '  --media-root DIR    where the files of file streams must lie (without it, file streams are refused',
  '                      and listed as failed)',
  '  --status-port N     where /healthz, /readyz and /metrics answer (default 9480; 0: any free port)',
  '  --status-host H     the address they listen on (default 127.0.0.1)',
].join('\n');

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run streams for a fleet of workers on NATS JetStream',
  usage: USAGE,
  async run(argv, settings) {
    const { values } = parseArgs({
      args: argv,
      options: {
        nats: { type: 'string' },
        capacity: { type: 'string', default: '4' },
        'lease-seconds': { type: 'string', default: '10' },
        fps: { type: 'string', default: '5' },
        name: { type: 'string' },
        'media-root': { type: 'string' },
        'status-port': { type: 'string', default: '9480' },
        'status-host': { type: 'string', default: '127.0.0.1' },
      },
    });
    if (values.nats === undefined) throw new CliError(`--nats URL is needed\n\n${USAGE}`, 2);
    const capacity = wholeNumber('--capacity', values.capacity, 1, 1000);
    const leaseMs = wholeNumber('--lease-seconds', values['lease-seconds'], 2, 3600) * 1000;
    const fps = analysisFps(values.fps);
    const statusPort = wholeNumber('--status-port', values['status-port'], 0, 65535);
    const name = values.name ?? `${hostname()}-${process.pid}`;
    if (!/^[\w.-]{1,64}$/.test(name)) throw new CliError(`--name is 1 to 64 letters, digits, ".", "_" or "-", got "${name}"`, 2);
    const nc = await connect({ servers: values.nats, name: `mien-worker-${name}` }).catch((error: unknown) => {
      throw new CliError(`cannot reach NATS at ${values.nats}: ${(error as Error).message}`);
    });
    const metrics = new WorkerMetrics();
    let worker: StreamWorker | undefined;
    // Listening first: a port taken fails the start before any stream is claimed.
    const status = await WorkerStatus.listen(statusPort, values['status-host'], metrics.registry, () => (worker ? worker.notReady() : 'starting')).catch((error: unknown) => {
      throw new CliError(`cannot listen on ${values['status-host']}:${statusPort} for /healthz and /metrics: ${(error as Error).message}`);
    });
    let runtime: AnalysisRuntime | undefined;
    try {
      runtime = await AnalysisRuntime.open(settings, { onInference: (run) => metrics.observeInference(run) });
      worker = await StreamWorker.start(runtime, nc, { worker: name, capacity, leaseMs, fps, mediaRoot: values['media-root'], metrics, log: (line) => console.error(line) }).catch((error: unknown) => {
        throw new CliError(`cannot join the fleet at ${values.nats}: ${(error as Error).message} (a fleet needs nats-server with JetStream: -js)`);
      });
    } catch (error) {
      // Nothing may keep a process that failed to start alive.
      await status.close();
      await nc.close();
      await runtime?.close();
      throw error;
    }
    console.error(`mien: worker ${name} joined the fleet at ${values.nats} (up to ${capacity} streams); status at ${status.url}/readyz, metrics at ${status.url}/metrics`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.error('mien: worker stopping: its streams are let go for the others');
    await worker.close();
    await status.close();
    await nc.drain();
    await runtime.close();
    // As for `mien serve`: a pipeline behind a dead camera must not keep a stopped worker alive.
    setTimeout(() => process.exit(0), 2_000).unref();
    return 0;
  },
};

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`, 2);
  return n;
}
