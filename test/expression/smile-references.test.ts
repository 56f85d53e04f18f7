import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaceEvent, MienEvent } from '../../src/events/events.js';
import { ExpressionSpace } from '../../src/expression/expression-space.js';
import { referenceFace } from '../../src/expression/reference-face.js';
import { POPULATION_REST_START } from '../../src/expression/relative-embedding.js';
import { FaceCore } from '../../src/face/analyser.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { openModels, type OpenedModels } from '../../src/models/index.js';
import { encodePng } from '../../src/render/png.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { ReferenceStore } from '../../src/store/reference-store.js';
import { londonPeople } from '../../scripts/london-people.js';
import { mien } from '../support/cli.js';
import { cremadSegments, fixture, scratchDir } from '../support/fixtures.js';

const VIDEO = fixture('video/cremad-1001-six-emotions.mp4');
const EMOTIONS = ['neutral', 'happy', 'sad', 'anger', 'fear', 'disgust'] as const;

let models: OpenedModels;
beforeAll(async () => {
  models = await openModels({}, { log: () => {} });
});
afterAll(() => models?.close());

describe('one smiling photo of another person as the only reference', () => {
  it('tags the CREMA-D man in his happy segment: at least 30% of it and more than twice any other, for most London people', async () => {
    const space = ExpressionSpace.of(new FaceCore(models));
    expect(space.relative, "MediaPipe's Face Landmarker is provisioned by scripts/setup").toBe(true);
    // Every London person's smile, each under a tag of its own, in one database: one analysis serves all.
    const dir = scratchDir();
    const db = openMienDatabase(join(dir, 'mien.db'));
    const { all: people, smiling } = londonPeople(fixture('faces/london'));
    const store = new ReferenceStore(db);
    for (const person of people) {
      const face = await referenceFace(space, await readImageFile(smiling(person)), { rest: { kind: 'population', rest: POPULATION_REST_START } });
      store.add({ tags: [`smile-${person}`], box: [...face.box], embedding: face.embedding, embeddingModel: face.embeddingModel, rest: face.rest, cropPng: await encodePng(face.crop), source: smiling(person) });
    }
    db.close();

    const events = join(dir, 'events.jsonl');
    const run = mien('analyze', VIDEO, '--refs', join(dir, 'mien.db'), '--out', events);
    expect(run.status, run.stderr).toBe(0);
    const faces = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as MienEvent)
      .filter((e): e is FaceEvent => e.kind === 'face' && e.accepted && e.identity !== null);
    const segments = cremadSegments();
    const inSegment = (emotion: string) => faces.filter((f) => segments.some((s) => s.emotion === emotion && f.pts >= s.start && f.pts < s.end));
    for (const emotion of EMOTIONS) expect(inSegment(emotion).length, emotion).toBeGreaterThan(5);

    const coverage = (tag: string, emotion: string) => {
      const own = inSegment(emotion);
      return own.filter((f) => f.tags?.includes(tag)).length / own.length;
    };
    const passed = people.filter((person) => {
      const happy = coverage(`smile-${person}`, 'happy');
      return happy >= 0.3 && EMOTIONS.every((e) => e === 'happy' || happy > 2 * coverage(`smile-${person}`, e));
    });
    console.log(`smile references that pass: ${passed.length} of ${people.length}; fail: ${people.filter((p) => !passed.includes(p)).join(' ')}`);
    // Measured 29 of 34 (docs/expression.md); the classifier alone passed 30 of these fixture people,
    // but 38 of 68 people outside the fixtures.
    expect(passed.length).toBeGreaterThanOrEqual(28);
  }, 600_000);
});
