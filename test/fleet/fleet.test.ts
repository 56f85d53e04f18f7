import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamLeases } from '../../src/fleet/stream-leases.js';
import { threadpoolSizeFor } from '../../src/ingest/threadpool.js';
import { FIXTURES } from '../support/fixtures.js';
import { eventLog, startJetStream, type JetStreamServer } from '../support/jetstream.js';
import { api, storedEvents, until } from '../support/server.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/server-process.js';
import { scratchDir } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LEASE_SECONDS = 4;
const VIDEOS = ['cremad-1001-six-emotions.mp4', 'two-people-grid.mp4', 'two-people-cremad-grid.mp4'];

let server: JetStreamServer;
let nc: NatsConnection;
/** `mien serve --nats`: the fleet's gateway, its store in `gatewayData`. */
let gateway: ServerProcess;
const gatewayData = scratchDir();
const startGateway = () => startServerProcess(['--nats', server.url, '--port', '0', '--data', gatewayData], { MIEN_MEDIA_ROOT: FIXTURES });
const workers = new Map<string, ChildProcess>();
/** What each worker wrote to stderr so far. */
const said = new Map<string, string>();

/** `mien worker` from the sources, as its own process; its status server on a free port. */
function startWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--nats', server.url, '--name', name, '--capacity', '3', '--lease-seconds', String(LEASE_SECONDS), '--fps', '1', '--status-port', '0', '--media-root', FIXTURES], {
    cwd: ROOT,
    // Room in libuv's threadpool for its three pipelines (docs/ingest.md).
    env: { ...process.env, UV_THREADPOOL_SIZE: String(threadpoolSizeFor(3)) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  said.set(name, '');
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => said.set(name, `${said.get(name) ?? ''}${chunk}`));
  workers.set(name, child);
  return child;
}

beforeAll(async () => {
  server = await startJetStream();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  if (gateway) await stopServerProcess(gateway.process, 'SIGKILL');
  for (const child of workers.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await nc.close();
  await server.stop();
});

describe('a fleet of mien worker processes on one JetStream server', () => {
  it('runs six streams added through the gateway, each on exactly one of three workers; after kill -9 of one, its streams play on the others within 15 s', { timeout: 240_000 }, async () => {
    // The workers first: the fleet's leases last as long as the first of them asks.
    for (const name of ['w1', 'w2', 'w3']) startWorker(name);
    const leases = await StreamLeases.open(nc, LEASE_SECONDS * 1000);
    gateway = await startGateway();
    for (let i = 0; i < 6; i++) {
      const added = await api(gateway.url).send('POST', '/api/streams', { id: `cam-${i}`, kind: 'file', path: join('video', VIDEOS[i % VIDEOS.length]), loop: true });
      expect(added.status).toBe(201);
    }

    // Every stream leased, and faces of every stream published under its holder's run.
    await until(async () => (await leases.holders()).size === 6, 120_000, 500);
    const holders = await leases.holders();
    expect(new Set(holders.values()).size).toBeGreaterThan(1);
    await until(async () => new Set((await eventLog(nc)).filter((e) => e.event.kind === 'face').map((e) => e.event.stream)).size === 6, 120_000, 1000);

    // Each worker tells its orchestrator it is ready, and Prometheus what it runs.
    for (const name of ['w1', 'w2', 'w3']) {
      const status = /status at (http:\/\/\S+)\/readyz/.exec(said.get(name)!)![1];
      expect((await fetch(`${status}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${status}/metrics`)).text();
      expect(metrics).toContain('mien_worker_capacity 3');
      expect(metrics).toContain('mien_worker_nats_connected 1');
      const held = [...holders].filter(([, worker]) => worker === name).map(([stream]) => stream);
      expect(metrics).toContain(`mien_streams ${held.length}`);
      for (const stream of held) expect(metrics).toMatch(new RegExp(`mien_frames_analysed_total\\{stream="${stream}"\\} \\d+`));
    }

    // One stream, one run: no stream has events of two runs (epochs) while no worker died.
    const runsBefore = runsOf(await eventLog(nc));
    for (let i = 0; i < 6; i++) expect(runsBefore.get(`cam-${i}`)?.size).toBe(1);

    const victim = [...holders.values()][0];
    const orphans = [...holders].filter(([, worker]) => worker === victim).map(([stream]) => stream);
    workers.get(victim)!.kill('SIGKILL');
    const killed = Date.now();
    await until(async () => {
      const now = await leases.holders();
      return orphans.every((stream) => now.has(stream) && now.get(stream) !== victim);
    }, 30_000, 250);
    // Claimed again: each orphan plays on a survivor (faces of a new run) within 15 s of the kill.
    await until(async () => {
      const runs = runsOf((await eventLog(nc)).filter((e) => e.event.kind === 'face'));
      return orphans.every((stream) => (runs.get(stream)?.size ?? 0) === 2);
    }, 15_000 - (Date.now() - killed), 250);
    expect(Date.now() - killed).toBeLessThan(15_000);

    // Every event in the log once: its id is unique.
    const log = await eventLog(nc);
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    // The gateway lists every stream on the worker that runs it now.
    const now = await leases.holders();
    const listed = ((await api(gateway.url).get('/api/streams')).body as { streams: { id: string; worker: string | null }[] }).streams;
    expect(new Map(listed.map((s) => [s.id, s.worker]))).toEqual(now);
  });

  it('lets a stopped worker\'s streams go at once (SIGTERM): its leases are gone when it exits, not left to expire', { timeout: 60_000 }, async () => {
    const leases = await StreamLeases.open(nc, LEASE_SECONDS * 1000);
    const alive = [...workers].filter(([, child]) => child.exitCode === null && child.signalCode === null).map(([name]) => name);
    expect(alive).toHaveLength(2);
    const stopping = alive[0];
    expect([...(await leases.holders()).values()]).toContain(stopping);
    const exited = new Promise<number | null>((resolve) => workers.get(stopping)!.once('exit', resolve));
    workers.get(stopping)!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect([...(await leases.holders()).values()]).not.toContain(stopping);
  });
});

describe('the gateway of that fleet', () => {
  it('killed (-9) during analysis and started again, stores every event the workers published, each once', { timeout: 180_000 }, async () => {
    await until(async () => (await storedEvents(gateway.url, 'cam-0')).length > 0, 30_000, 500);
    await stopServerProcess(gateway.process, 'SIGKILL');
    // The workers go on publishing while it is down.
    const before = (await eventLog(nc)).length;
    await until(async () => (await eventLog(nc)).length > before + 20, 30_000, 500);
    gateway = await startGateway();

    // Quiet: every stream removed (through the gateway), its last events out, the log no longer growing.
    for (let i = 0; i < 6; i++) expect((await api(gateway.url).send('DELETE', `/api/streams/cam-${i}`)).status).toBe(204);
    const leases = await StreamLeases.open(nc, LEASE_SECONDS * 1000);
    await until(async () => (await leases.holders()).size === 0, 30_000, 500);
    let size = -1;
    await until(async () => {
      const grown = (await eventLog(nc)).length;
      const still = grown === size;
      size = grown;
      return still;
    }, 30_000, 3_000);

    const published = new Map<string, string[]>();
    for (const { id, event } of await eventLog(nc)) published.set(event.stream, [...(published.get(event.stream) ?? []), id]);
    expect(published.size).toBe(6);
    for (const [stream, ids] of published) {
      await until(async () => (await storedEvents(gateway.url, stream)).length >= ids.length, 30_000, 500);
      const stored = (await storedEvents(gateway.url, stream)).map((e) => e.id);
      expect(stored, stream).toHaveLength(ids.length);
      expect(new Set(stored), stream).toEqual(new Set(ids));
    }
  });
});

/** The runs (lease epochs) of each stream that published events. */
function runsOf(log: { id: string }[]): Map<string, Set<string>> {
  const runs = new Map<string, Set<string>>();
  for (const { id } of log) {
    const [stream, epoch] = id.split(':');
    runs.set(stream, (runs.get(stream) ?? new Set()).add(epoch));
  }
  return runs;
}
