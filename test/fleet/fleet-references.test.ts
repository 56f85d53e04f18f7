import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TagStartEvent } from '../../src/events/events.js';
import { referenceFace } from '../../src/expression/reference-face.js';
import { POPULATION_REST_START } from '../../src/expression/relative-embedding.js';
import { DesiredStreams } from '../../src/fleet/desired-streams.js';
import { FleetReferences } from '../../src/fleet/fleet-references.js';
import { StreamWorker } from '../../src/fleet/stream-worker.js';
import { WorkerMetrics } from '../../src/fleet/worker-metrics.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { FIXTURES, fixture } from '../support/fixtures.js';
import { eventLog, jetStreamForTests } from '../support/jetstream.js';
import { until } from '../support/server.js';

/** The happy segment of the six-emotions clip, seconds (its segments.csv). */
const HAPPY = { start: 2.035, end: 3.904 };
/** One pass of the clip as a looped stream's timestamps count it: its last frame at 5 fps (12.6 s), plus one frame. */
const PASS_SECONDS = 12.8;
const jetStream = jetStreamForTests();
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
/** What a gateway shares besides the embedding. */
const made = { rest: 'population', createdAt: '2026-12-03T20:00:00.000Z', source: 'test', box: [0, 0, 10, 10] } as const;

describe('FleetReferences (a real JetStream KV bucket)', () => {
  it('gives references added at once distinct ids, and a follower sees adds and removals of its embedding only', async () => {
    const shared = await FleetReferences.open(jetStream.nc);
    const early = await shared.add({ ...made, tags: ['early'], embeddingModel: 'e1', embedding: [1, 0] }, PNG);
    const followed = await shared.follow('e1');
    // What was there before following is read before follow resolves.
    expect(followed.current.map((r) => r.id)).toEqual([early.id]);
    const added = await Promise.all(Array.from({ length: 5 }, (_, i) => shared.add({ ...made, tags: [`t${i}`], threshold: 0.3, embeddingModel: i === 4 ? 'other' : 'e1', embedding: [0, 1] }, PNG)));
    expect(new Set(added.map((r) => r.id)).size).toBe(5);
    await until(() => followed.current.length === 5, 5_000);
    expect(followed.current.find((r) => r.id === added[0].id)).toMatchObject({ tags: ['t0'], threshold: 0.3, embedding: Float32Array.from([0, 1]) });
    expect(followed.current.some((r) => r.id === added[4].id)).toBe(false);
    expect([...(await shared.cropPng(early.id))!]).toEqual([...PNG]);
    expect(await shared.remove(early.id)).toBe(true);
    expect(await shared.remove(early.id)).toBe(false);
    await until(() => !followed.current.some((r) => r.id === early.id), 5_000);
    expect(await shared.cropPng(early.id)).toBeNull();
    followed.stop();
  });
});

describe('a worker matching the fleet\'s references', () => {
  it('tags a smile added once to the fleet on the stream it runs, in the happy segment', { timeout: 120_000 }, async () => {
    const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
    const worker = await StreamWorker.start(runtime, jetStream.nc, { worker: 'w', capacity: 1, leaseMs: 3_000, fps: 5, mediaRoot: FIXTURES, metrics: new WorkerMetrics(), log: () => {} });
    try {
      const face = await referenceFace(runtime.space, await readImageFile(fixture('faces/london/002_08.jpg')), { rest: { kind: 'population', rest: POPULATION_REST_START } });
      const smile = await (await FleetReferences.open(jetStream.nc)).add({ ...made, tags: ['smile'], embeddingModel: face.embeddingModel, embedding: [...face.embedding] }, PNG);
      // Looped: a machine busy enough to drop the frames of one pass's happy segment gets another.
      await (await DesiredStreams.open(jetStream.nc)).put({ id: 'debate', kind: 'file', path: join(FIXTURES, 'video', 'cremad-1001-six-emotions.mp4'), loop: true });
      const tagStarts = async () => (await eventLog(jetStream.nc)).map((e) => e.event).filter((e): e is TagStartEvent => e.kind === 'tag-start');
      await until(async () => (await tagStarts()).length > 0, 90_000, 500);
      const [first] = await tagStarts();
      expect(first).toMatchObject({ stream: 'debate', tag: 'smile', reference: smile.id });
      // Each pass goes on from the last one's end (its last frame analysed at 5 fps, plus a frame).
      const inPass = first.pts % PASS_SECONDS;
      expect(inPass).toBeGreaterThanOrEqual(HAPPY.start - 0.5);
      expect(inPass).toBeLessThanOrEqual(HAPPY.end + 0.2);
    } finally {
      await worker.close();
      await runtime.close();
    }
  });
});
