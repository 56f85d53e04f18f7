import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../src/runtime/stream-info.js';
import type { MienEvent, TagStartEvent } from '../../src/events/events.js';
import { StreamWorker } from '../../src/fleet/stream-worker.js';
import { WorkerMetrics } from '../../src/fleet/worker-metrics.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { CONFIG_DEFAULTS } from '../../src/server/config.js';
import { MienGateway } from '../../src/server/gateway.js';
import { FIXTURES, fixture, scratchDir } from '../support/fixtures.js';
import { eventLog, startJetStream, type JetStreamServer } from '../support/jetstream.js';
import { api, storedEvents, subscriber, until } from '../support/server.js';

const LEASE_MS = 3_000;
/** The happy segment of the six-emotions clip, seconds (its segments.csv). */
const HAPPY = { start: 2.035, end: 3.904 };
/** One pass of the clip as a looped stream's timestamps count it: its last frame at 5 fps (12.6 s), plus one frame. */
const PASS_SECONDS = 12.8;
let server: JetStreamServer;
let runtime: AnalysisRuntime;
const connections: NatsConnection[] = [];
const workers: StreamWorker[] = [];
const gateways: MienGateway[] = [];

const startGateway = async (dataDir = scratchDir()) => {
  const gateway = await MienGateway.start({ ...CONFIG_DEFAULTS, port: 0, dataDir, mediaRoot: FIXTURES, nats: server.url }, { runtime, log: () => {} });
  gateways.push(gateway);
  return gateway;
};

beforeAll(async () => {
  [server, runtime] = await Promise.all([startJetStream(), AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} })]);
  const nc = await connect({ servers: server.url });
  connections.push(nc);
  workers.push(await StreamWorker.start(runtime, nc, { worker: 'w1', capacity: 2, leaseMs: LEASE_MS, fps: 5, mediaRoot: FIXTURES, metrics: new WorkerMetrics(), log: () => {} }));
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  for (const worker of workers) await worker.close();
  for (const nc of connections) await nc.close();
  await runtime.close();
  await server.stop();
});

const listed = async (base: string, id: string): Promise<StreamInfo | undefined> => ((await api(base).get('/api/streams')).body as { streams: StreamInfo[] }).streams.find((s) => s.id === id);
const eventsOf = (messages: { type: string; [k: string]: unknown }[], stream: string): MienEvent[] =>
  messages.filter((m) => m.type === 'event').map((m) => m.event as MienEvent).filter((e) => e.stream === stream);

describe('mien serve --nats: a gateway of a fleet (in process, a real JetStream server, one worker)', () => {
  it('adds a stream through one gateway, which every gateway lists with its worker and status; both send their subscribers the same events in the same order', { timeout: 120_000 }, async () => {
    const [a, b] = await Promise.all([startGateway(), startGateway()]);
    const clients = await Promise.all([a, b].map((g) => subscriber(`${g.url.replace('http', 'ws')}/events`, { kinds: ['face', 'tag-start', 'tag-end', 'stream-status'] })));

    const added = await api(a.url).send('POST', '/api/streams', { id: 'desk', kind: 'file', path: 'video/two-people-grid.mp4', loop: true });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 'desk', status: 'connecting', worker: null });

    // The other gateway lists it too, claimed by the worker and playing, with its frames counted there.
    await until(async () => (await listed(b.url, 'desk'))?.status === 'playing', 30_000, 200);
    await until(async () => ((await listed(b.url, 'desk'))?.framesAnalysed ?? 0) > 0, 30_000, 200);
    expect(await listed(b.url, 'desk')).toMatchObject({ worker: 'w1', kind: 'file' });

    // Faces reach both gateways' subscribers; each gateway stores them before sending.
    await until(() => clients.every((c) => eventsOf(c.messages, 'desk').filter((e) => e.kind === 'face').length >= 20), 60_000, 200);
    const [seenA, seenB] = clients.map((c) => eventsOf(c.messages, 'desk').map((e) => e.id));
    const common = Math.min(seenA.length, seenB.length);
    expect(seenA.slice(0, common)).toEqual(seenB.slice(0, common));
    expect(new Set(seenA).size).toBe(seenA.length);
    expect((await storedEvents(a.url, 'desk')).filter((e) => e.kind === 'face').length).toBeGreaterThanOrEqual(20);

    // Removed through the other gateway: gone from the fleet, and the worker stops it.
    expect((await api(b.url).send('DELETE', '/api/streams/desk')).status).toBe(204);
    expect(await listed(a.url, 'desk')).toBeUndefined();
    await until(() => !workers[0].streams().some((s) => s.id === 'desk'), 20_000, 200);
    for (const c of clients) c.socket.close();
  });

  it('refuses what a fleet cannot run, as mien serve refuses it, and nothing reaches the desired state', { timeout: 60_000 }, async () => {
    const gateway = await startGateway();
    const client = api(gateway.url);
    expect((await client.send('POST', '/api/streams', { kind: 'whip', id: 'booth' })).status).toBe(409);
    expect((await client.send('POST', '/api/streams', { kind: 'file', path: '../../etc/passwd' })).status).toBe(403);
    expect((await client.send('POST', '/api/streams', { kind: 'file', path: 'video/no-such.mp4' })).status).toBe(404);
    expect((await client.send('POST', '/api/streams', { kind: 'rtsp', url: 'rtsp://cam/live" ! filesink location=/tmp/x' })).status).toBe(400);
    expect((await client.send('DELETE', '/api/streams/nowhere')).status).toBe(404);
    expect(((await client.get('/api/streams')).body as { streams: StreamInfo[] }).streams).toEqual([]);

    expect((await client.send('POST', '/api/streams', { kind: 'test', id: 'bars' })).status).toBe(201);
    expect((await client.send('POST', '/api/streams', { kind: 'test', id: 'bars' })).status).toBe(409);
    expect((await client.send('DELETE', '/api/streams/bars')).status).toBe(204);
    expect(((await client.get('/readyz')).body as { status: string }).status).toBe('ok');
  });

  it('shares a reference added through one gateway with every gateway and the workers: it tags the smile of a stream added through the other', { timeout: 150_000 }, async () => {
    const [a, b] = await Promise.all([startGateway(), startGateway()]);
    const upload = await api(a.url).send('POST', '/api/references?tag=smile&name=002_08.jpg', readFileSync(fixture('faces/london/002_08.jpg')), { 'content-type': 'image/jpeg' });
    expect(upload.status).toBe(201);
    const smile = upload.body as { id: number; crop: string };
    const listedB = async () => ((await api(b.url).get('/api/references')).body as { references: { id: number; tags: string[]; rest: string; source: string }[] }).references;
    await until(async () => (await listedB()).some((r) => r.id === smile.id), 10_000, 100);
    expect((await listedB()).find((r) => r.id === smile.id)).toMatchObject({ tags: ['smile'], rest: 'population', source: '002_08.jpg' });
    // A gateway that starts later has the fleet's references as soon as it serves.
    const late = await startGateway();
    expect(((await api(late.url).get('/api/references')).body as { references: { id: number }[] }).references.map((r) => r.id)).toEqual([smile.id]);
    const crop = await fetch(`${late.url}${smile.crop}`);
    expect(crop.status).toBe(200);
    expect(Buffer.from(await crop.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    // Looped: a machine busy enough to drop the frames of one pass's happy segment gets another.
    expect((await api(b.url).send('POST', '/api/streams', { id: 'debate', kind: 'file', path: 'video/cremad-1001-six-emotions.mp4', loop: true })).status).toBe(201);
    const tagStarts = async () => (await storedEvents(b.url, 'debate')).filter((e): e is TagStartEvent => e.kind === 'tag-start');
    await until(async () => (await tagStarts()).length > 0, 90_000, 500);
    const [first] = await tagStarts();
    expect(first).toMatchObject({ tag: 'smile', reference: smile.id });
    const inPass = first.pts % PASS_SECONDS;
    expect(inPass).toBeGreaterThanOrEqual(HAPPY.start - 0.5);
    expect(inPass).toBeLessThanOrEqual(HAPPY.end + 0.2);

    // Removed through the other gateway: gone from both.
    expect((await api(b.url).send('DELETE', `/api/references/${smile.id}`)).status).toBe(204);
    expect((await api(b.url).send('DELETE', `/api/references/${smile.id}`)).status).toBe(404);
    await until(async () => ((await api(a.url).get('/api/references')).body as { references: unknown[] }).references.length === 0, 10_000, 100);
    await api(b.url).send('DELETE', '/api/streams/debate');
  });

  it('tells Prometheus how many streams no worker holds and how far its store is behind the log', { timeout: 60_000 }, async () => {
    const gateway = await startGateway();
    const client = api(gateway.url);
    // The one worker runs two streams at most: the third waits.
    for (const id of ['bars-1', 'bars-2', 'bars-3']) expect((await client.send('POST', '/api/streams', { kind: 'test', id })).status).toBe(201);
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await client.get('/metrics')).text)?.[1]);
    await until(async () => (await metric('mien_fleet_unassigned_streams')) === 1, 20_000, 200);
    const waiting = ((await client.get('/api/streams')).body as { streams: StreamInfo[] }).streams.filter((s) => s.worker === null);
    expect(waiting).toMatchObject([{ status: 'connecting', reason: 'waiting for a worker with room' }]);
    expect(await metric('mien_fleet_streams')).toBe(3);
    expect(await metric('mien_gateway_nats_connected')).toBe(1);
    // A gateway analyses nothing: the analysis's series (and their alerts) are the workers'.
    expect((await client.get('/metrics')).text).not.toMatch(/^mien_(analysis_running|streams|stream_up)\b/m);
    expect(await metric('mien_gateway_events_pending')).toBeGreaterThanOrEqual(0);
    for (const id of ['bars-1', 'bars-2', 'bars-3']) await client.send('DELETE', `/api/streams/${id}`);
    await until(async () => (await metric('mien_fleet_unassigned_streams')) === 0, 20_000, 200);
  });

  it('stores every event the worker published, each once, across a restart on the same data directory', { timeout: 120_000 }, async () => {
    const dataDir = scratchDir();
    const first = await startGateway(dataDir);
    expect((await api(first.url).send('POST', '/api/streams', { id: 'once', kind: 'file', path: 'video/cremad-1001-six-emotions.mp4' })).status).toBe(201);
    await until(async () => (await storedEvents(first.url, 'once')).length >= 5, 60_000, 200);
    await first.close();
    // The file plays to its end while the gateway is down: its last event is the stream's end.
    const published = async () => (await eventLog(connections[0])).filter((e) => e.event.stream === 'once');
    await until(async () => (await published()).some((e) => e.event.kind === 'stream-status' && e.event.status === 'ended'), 60_000, 500);
    const second = await startGateway(dataDir);
    const all = await published();
    await until(async () => (await storedEvents(second.url, 'once')).length >= all.length, 30_000, 200);
    const ids = (await storedEvents(second.url, 'once')).map((e) => e.id);
    expect(ids).toHaveLength(all.length);
    expect(new Set(ids)).toEqual(new Set(all.map((e) => e.id)));
    // Played to its end, a file leaves the fleet.
    expect((await api(second.url).get('/api/streams/once')).status).toBe(404);
  });
});
