import { connect } from '@nats-io/transport-node';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/events/event-bus.js';
import type { FaceEvent, MienEvent } from '../../src/events/events.js';
import { EventLog } from '../../src/fleet/event-log.js';
import { EventProjection, type ProjectionSink } from '../../src/fleet/event-projection.js';
import { EventRecorder } from '../../src/server/event-recorder.js';
import { MienStores } from '../../src/store/mien-stores.js';
import { scratchDir } from '../support/fixtures.js';
import { startJetStream, type JetStreamServer } from '../support/jetstream.js';
import { until } from '../support/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let server: JetStreamServer;

beforeAll(async () => {
  server = await startJetStream();
});
afterAll(async () => {
  await server.stop();
});

const face = (stream: string, n: number): FaceEvent => ({
  kind: 'face', stream, pts: n / 5, wallTime: new Date(Date.UTC(2026, 11, 3, 10, 0, 0, n * 200)).toISOString(), identity: 0, track: 1, box: [0, 0, 10, 10], accepted: true, reasons: [], sharpness: 5, yaw: 0,
});

/** A gateway's store fed by the projection, as `mien serve --nats` will assemble it. */
function gatewayStore(dataDir: string): { stores: MienStores; recorder: EventRecorder; sink: ProjectionSink } {
  const stores = MienStores.inDataDir(dataDir);
  const bus = new InProcessEventBus();
  const recorder = new EventRecorder(bus, stores);
  return { stores, recorder, sink: { take: (event) => bus.publish(event), keep: () => recorder.flush() } };
}

describe('EventProjection (a real JetStream server)', () => {
  it('keeps every event the workers published, each once, across a gateway that died between keeping and acknowledging', { timeout: 60_000 }, async () => {
    const worker = await connect({ servers: server.url });
    const log = await EventLog.open(worker, (id) => {
      throw new Error(`the event ${id} was lost`);
    });
    for (let n = 0; n < 40; n++) log.publish(face(n % 2 ? 'left' : 'right', n), `${n % 2 ? 'left' : 'right'}:1:${Math.floor(n / 2)}`);
    // Published twice (a worker retrying after a lost acknowledgement): JetStream keeps one.
    log.publish(face('left', 1), 'left:1:0');
    await log.settled();
    const dataDir = scratchDir();

    // The first gateway keeps what it reads, and is killed before it acknowledges any of it.
    const killed = spawnSync(process.execPath, ['--import', 'tsx', 'test/fleet/processes/gateway-killed-after-keeping.ts', server.url, dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(killed.signal).toBe('SIGKILL');
    const first = MienStores.inDataDir(dataDir);
    const keptBeforeDeath = first.events.query({ limit: 1000 }).events.map((e) => e.id);
    first.close();
    expect(keptBeforeDeath.length).toBeGreaterThan(0);

    // Restarted on the same store, it is given the unacknowledged events again, and more are published meanwhile.
    for (let n = 40; n < 50; n++) log.publish(face('left', n), `left:1:${n}`);
    await log.settled();
    const second = gatewayStore(dataDir);
    const back = await connect({ servers: server.url });
    const delivered: string[] = [];
    const projection = await EventProjection.start(back, { take: (e) => { delivered.push(e.id!); second.sink.take(e); }, keep: second.sink.keep }, { durable: 'gateway-a', redeliverAfterMs: 1_000, log: () => {} });
    await until(() => second.stores.events.query({ limit: 1000 }).events.length === 50, 20_000, 200);
    // Nothing more comes: each event stored once.
    await new Promise((r) => setTimeout(r, 2_000));
    const stored = second.stores.events.query({ limit: 1000 }).events;
    expect(stored).toHaveLength(50);
    expect(new Set(stored.map((e: MienEvent) => e.id)).size).toBe(50);
    expect(second.stores.identities.get(0)).toMatchObject({ faces: 50 });
    // Those it kept came again, unacknowledged, and were not kept twice.
    expect(delivered).toEqual(expect.arrayContaining(keptBeforeDeath));
    await projection.stop();
    second.recorder.close();
    second.stores.close();
    await back.close();
    await worker.close();
  });
});
