import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaceEvent } from '../../src/events/events.js';
import { DesiredStreams } from '../../src/fleet/desired-streams.js';
import { FleetPeople } from '../../src/fleet/fleet-people.js';
import { StreamWorker } from '../../src/fleet/stream-worker.js';
import { WorkerMetrics } from '../../src/fleet/worker-metrics.js';
import { PersonGallery } from '../../src/online-cluster/person-gallery.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { FIXTURES } from '../support/fixtures.js';
import { eventLog, jetStreamForTests } from '../support/jetstream.js';
import { until } from '../support/server.js';

const jetStream = jetStreamForTests();

const unit = (...values: number[]) => {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

describe('FleetPeople (a real JetStream KV bucket)', () => {
  it('gives each worker its own person ids, and teaches each gallery the people the others keep and let go', async () => {
    const a = await FleetPeople.open(jetStream.nc, 'a', 'model-1', () => {});
    const b = await FleetPeople.open(jetStream.nc, 'b', 'model-1', () => {});
    const [idA, idB] = [a.newPerson(), b.newPerson()];
    expect(Math.abs(idA - idB)).toBeGreaterThanOrEqual(10_000);

    const galleryB = new PersonGallery({ matchDistance: 0.2 });
    await b.follow(galleryB);
    a.save({ person: idA, faces: [unit(1, 0, 0)] });
    await until(() => galleryB.find(unit(1, 0.05, 0)) === idA, 5_000);
    // A worker started later knows the people saved so far; faces of another model stay out.
    const other = await FleetPeople.open(jetStream.nc, 'c', 'model-2', () => {});
    const later = await FleetPeople.open(jetStream.nc, 'd', 'model-1', () => {});
    await a.close();
    expect(other.known).toEqual([]);
    expect((await FleetPeople.open(jetStream.nc, 'e', 'model-1', () => {})).known.map((p) => p.person)).toEqual([idA]);
    expect(later.known.map((p) => p.person)).toEqual([idA]);

    const a2 = await FleetPeople.open(jetStream.nc, 'a', 'model-1', () => {});
    a2.remove(idA);
    await a2.close();
    await until(() => galleryB.find(unit(1, 0.05, 0)) === undefined, 5_000);
    await b.close();
  });
});

describe('workers sharing people', () => {
  it('gives a person seen first on one worker\'s stream the same identity on another worker\'s stream', { timeout: 120_000 }, async () => {
    const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
    const workers = [
      await StreamWorker.start(runtime, jetStream.nc, { worker: 'first', capacity: 1, leaseMs: 3_000, fps: 5, mediaRoot: FIXTURES, metrics: new WorkerMetrics(), log: () => {} }),
      await StreamWorker.start(runtime, jetStream.nc, { worker: 'second', capacity: 1, leaseMs: 3_000, fps: 5, mediaRoot: FIXTURES, metrics: new WorkerMetrics(), log: () => {} }),
    ];
    try {
      const faces = async (stream: string): Promise<FaceEvent[]> =>
        (await eventLog(jetStream.nc)).map((e) => e.event).filter((e): e is FaceEvent => e.kind === 'face' && e.stream === stream);
      const desired = await DesiredStreams.open(jetStream.nc);
      const video = join(FIXTURES, 'video', 'cremad-1001-six-emotions.mp4');
      await desired.put({ id: 'studio-a', kind: 'file', path: video, loop: true });
      await until(async () => (await faces('studio-a')).some((f) => f.identity !== null), 60_000, 500);
      const person = (await faces('studio-a')).find((f) => f.identity !== null)!.identity;
      // The same man on a second camera, which the other worker runs (the one running studio-a is full).
      await desired.put({ id: 'studio-b', kind: 'file', path: video, loop: true });
      await until(async () => (await faces('studio-b')).filter((f) => f.identity !== null).length >= 10, 60_000, 500);
      const onB = new Set((await faces('studio-b')).map((f) => f.identity).filter((id) => id !== null));
      expect(onB).toEqual(new Set([person]));
      // Two workers, one stream each (which one claimed the first is a race): the man crossed workers.
      expect(workers.map((w) => w.streams().map((s) => s.id).join()).sort()).toEqual(['studio-a', 'studio-b']);
    } finally {
      for (const worker of workers) await worker.close();
      await runtime.close();
    }
  });
});
