import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceEvent, MienEvent, TagEndEvent } from '../../src/events/events.js';
import { eventProblems } from '../../src/events/validate.js';
import { ExpressionSpace } from '../../src/expression/expression-space.js';
import { POPULATION_REST_START } from '../../src/expression/relative-embedding.js';
import { referenceFace } from '../../src/expression/reference-face.js';
import { FaceCore } from '../../src/face/analyser.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { openModels, type OpenedModels } from '../../src/models/index.js';
import { ExpressionAnalysis } from '../../src/operators/analysis-pipeline.js';
import { cremadSegments, ffmpegFrames, fixture } from '../support/fixtures.js';

let models: OpenedModels;
let core: FaceCore;

beforeAll(async () => {
  models = await openModels({}, { log: () => {} });
  core = new FaceCore(models);
});

afterAll(() => models?.close());

async function analyse(video: string, fps: number, references: { id: number; tags: string[]; embedding: Float32Array }[] = []) {
  const analysis = new ExpressionAnalysis(core, () => references);
  const events = await lastValueFrom(ffmpegFrames(fixture(video), fps).pipe(analysis.events(), toArray()));
  for (const event of events) expect(eventProblems(event)).toEqual([]);
  return { analysis, events };
}

const faces = (events: MienEvent[]) => events.filter((e): e is FaceEvent => e.kind === 'face');

describe('the analysis pipeline on real videos', () => {
  it('finds exactly the two people of two-people-cremad-grid.mp4, each on their side of the frame', async () => {
    const { events } = await analyse('video/two-people-cremad-grid.mp4', 5);
    const created = events.filter((e) => e.kind === 'identity-created').map((e) => e.identity);
    expect(created).toHaveLength(2);
    const accepted = faces(events).filter((f) => f.accepted);
    const side = (f: FaceEvent) => ((f.box[0] + f.box[2]) / 2 < 930 / 2 ? 'left' : 'right');
    for (const identity of created) {
      const own = accepted.filter((f) => f.identity === identity);
      const sides = own.map(side);
      const majority = sides.filter((s) => s === 'left').length >= sides.length / 2 ? 'left' : 'right';
      expect(sides.filter((s) => s === majority).length / sides.length).toBeGreaterThanOrEqual(0.95);
    }
    // The two identities sit on different sides, and nearly every accepted face has one of them.
    expect(new Set(created.map((id) => side(accepted.find((f) => f.identity === id)!))).size).toBe(2);
    expect(accepted.filter((f) => f.identity !== null).length / accepted.length).toBeGreaterThanOrEqual(0.95);
  });

  it('tags a smile from another person\'s smiling photo mostly in the happy segment of cremad-1001-six-emotions.mp4', async () => {
    const ref = await referenceFace(ExpressionSpace.of(core), await readImageFile(fixture('faces/london/002_08.jpg')), { rest: { kind: 'population', rest: POPULATION_REST_START } });
    const { events } = await analyse('video/cremad-1001-six-emotions.mp4', 10, [{ id: 1, tags: ['smile'], embedding: ref.embedding }]);
    const segments = cremadSegments();
    // Share of each segment's analysed faces that lie inside a smile tag segment.
    const tags = events.filter((e): e is TagEndEvent => e.kind === 'tag-end' && e.tag === 'smile');
    const tagged = (pts: number) => tags.some((t) => pts >= t.startPts && pts <= t.pts);
    const coverage = segments.map(({ emotion, start, end }) => {
      const inside = faces(events).filter((f) => f.pts >= start && f.pts < end && f.accepted);
      return { emotion, share: inside.filter((f) => tagged(f.pts)).length / Math.max(1, inside.length) };
    });
    console.log('smile coverage per segment:', coverage.map((c) => `${c.emotion} ${(100 * c.share).toFixed(0)}%`).join(', '));
    const happy = coverage.find((c) => c.emotion === 'happy')!;
    for (const other of coverage.filter((c) => c.emotion !== 'happy')) expect(happy.share).toBeGreaterThan(other.share);
    expect(events.filter((e) => e.kind === 'tag-start').length).toBe(tags.length);
  });

  it('finds at least three people in event-hall.mp4 and says why FaceQA rejects faces', async () => {
    const { events } = await analyse('video/event-hall.mp4', 10);
    expect(events.filter((e) => e.kind === 'identity-created').length).toBeGreaterThanOrEqual(3);
    const rejected = faces(events).filter((f) => !f.accepted);
    expect(rejected.length).toBeGreaterThan(0);
    for (const f of rejected) expect(f.reasons.length).toBeGreaterThan(0);
  });
});
