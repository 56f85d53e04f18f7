import { connect, type NatsConnection } from '@nats-io/transport-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredStreams } from '../../src/fleet/desired-streams.js';
import { StreamLeases } from '../../src/fleet/stream-leases.js';
import { StreamWorker } from '../../src/fleet/stream-worker.js';
import { WorkerMetrics } from '../../src/fleet/worker-metrics.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { FIXTURES } from '../support/fixtures.js';
import { eventLog, startJetStream, type JetStreamServer } from '../support/jetstream.js';
import { until } from '../support/server.js';

const LEASE_MS = 3_000;
let server: JetStreamServer;
let runtime: AnalysisRuntime;
const connections: NatsConnection[] = [];
const workers: StreamWorker[] = [];

const natsConnection = async () => {
  const nc = await connect({ servers: server.url });
  connections.push(nc);
  return nc;
};
const startWorker = async (worker: string, capacity: number, nc?: NatsConnection) => {
  const started = await StreamWorker.start(runtime, nc ?? (await natsConnection()), { worker, capacity, leaseMs: LEASE_MS, fps: 5, mediaRoot: FIXTURES, metrics: new WorkerMetrics(), log: () => {} });
  workers.push(started);
  return started;
};

beforeAll(async () => {
  [server, runtime] = await Promise.all([startJetStream(), AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} })]);
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  for (const nc of connections) if (!nc.isClosed()) await nc.close();
  await runtime.close();
  await server.stop();
});

describe('mien worker (in process, a real JetStream server)', () => {
  it('runs each stream of the fleet on one worker, publishes its events once each, and takes over the streams of a worker that died', { timeout: 120_000 }, async () => {
    const admin = await natsConnection();
    const desired = await DesiredStreams.open(admin);
    const video = (name: string) => join(FIXTURES, 'video', name);
    await desired.put({ id: 'left', kind: 'file', path: video('cremad-1001-six-emotions.mp4'), loop: true });
    await desired.put({ id: 'right', kind: 'file', path: video('two-people-grid.mp4'), loop: true });
    const doomedConnection = await natsConnection();
    const doomed = await startWorker('doomed', 1, doomedConnection);
    const survivor = await startWorker('survivor', 2);
    const leases = await StreamLeases.open(admin, LEASE_MS);

    // Each stream on exactly one worker: the lease holder is the worker running it.
    await until(async () => (await leases.holders()).size === 2, 20_000);
    const holders = await leases.holders();
    const running = (worker: StreamWorker) => worker.streams().filter((s) => s.status === 'playing' || s.status === 'connecting').map((s) => s.id).sort();
    await until(() => running(doomed).length + running(survivor).length === 2, 10_000);
    expect(running(doomed)).toEqual([...holders].filter(([, w]) => w === 'doomed').map(([s]) => s).sort());
    expect(running(survivor)).toEqual([...holders].filter(([, w]) => w === 'survivor').map(([s]) => s).sort());
    expect(running(doomed)).toHaveLength(1);

    // Faces of both streams reach the event log.
    await until(async () => new Set((await eventLog(admin)).filter((e) => e.event.kind === 'face').map((e) => e.event.stream)).size === 2, 60_000, 500);

    // The doomed worker loses NATS for good (as a killed process would): its lease expires and the survivor runs its stream.
    const [orphan] = running(doomed);
    expect(doomed.notReady()).toBeUndefined();
    await doomedConnection.close();
    const cut = Date.now();
    await until(() => doomed.notReady() === 'NATS is not reachable', 5_000);
    const firstEpoch = epochOf(await eventLog(admin), orphan);
    await until(() => running(survivor).includes(orphan), 4 * LEASE_MS, 250);
    expect(Date.now() - cut).toBeLessThan(2 * LEASE_MS);
    expect((await leases.holders()).get(orphan)).toBe('survivor');
    // The doomed worker, unable to renew, stopped it on its own: never two workers on one stream for long.
    expect(running(doomed)).toEqual([]);
    await until(async () => (await eventLog(admin)).some((e) => e.event.kind === 'face' && e.event.stream === orphan && e.id.split(':')[1] !== firstEpoch), 30_000, 500);

    // Every stored event has its own id, each stream's ids count up without a gap within each run.
    const stored = await eventLog(admin);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    for (const { id, event } of stored) expect(event.id).toBe(id);
    const runs = new Map<string, number[]>();
    for (const { id } of stored) {
      const [stream, epoch, n] = id.split(':');
      runs.set(`${stream}:${epoch}`, [...(runs.get(`${stream}:${epoch}`) ?? []), Number(n)]);
    }
    for (const counts of runs.values()) expect(counts).toEqual(counts.map((_, i) => i));
    // The orphan ran twice (two epochs), the other once.
    expect([...runs.keys()].filter((run) => run.startsWith(`${orphan}:`))).toHaveLength(2);
  });

  it('refuses a file stream outside its media root, whoever wrote the desired state: held, and listed as failed with why', { timeout: 60_000 }, async () => {
    const admin = await natsConnection();
    const guard = await startWorker('guard', 1);
    await (await DesiredStreams.open(admin)).put({ id: 'escape', kind: 'file', path: '/etc/passwd' });
    await until(() => guard.streams().some((s) => s.id === 'escape'), 20_000, 100);
    expect(guard.streams().find((s) => s.id === 'escape')).toMatchObject({ status: 'failed', reason: expect.stringContaining('outside the media root') as string });
    expect((await (await StreamLeases.open(admin, LEASE_MS)).holders()).get('escape')).toBe('guard');
  });
});

/** The epoch of a stream's first run in the log. */
function epochOf(stored: { id: string }[], stream: string): string {
  return stored.find((e) => e.id.startsWith(`${stream}:`))!.id.split(':')[1];
}
