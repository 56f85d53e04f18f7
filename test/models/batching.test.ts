import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/ingest/image-file.js';
import type { RgbImage } from '../../src/image/rgb-image.js';
import { resizeBilinear } from '../../src/image/warp.js';
import { openModels, type OpenedModels } from '../../src/models/index.js';
import { fixture } from '../support/fixtures.js';

let models: OpenedModels;
let crops: RgbImage[];

beforeAll(async () => {
  models = await openModels({}, { log: () => {} });
  const pictures = await Promise.all(
    ['faces/astronaut.png', 'faces/london/001_08.jpg', 'faces/lisa/lisa1.jpg', 'expressions/pexels/angry.jpg'].map((p) => readImageFile(fixture(p))),
  );
  crops = pictures.map((p) => resizeBilinear(p, 224, 224));
});

afterAll(() => models?.close());

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/** Every model, patched for batching, gives each image in a batch what it gives it alone. */
describe('batched inference equals one-at-a-time inference', () => {
  const sized = (w: number, h: number) => crops.map((c) => resizeBilinear(c, w, h));

  it('detector', async () => {
    const batch = await models.detector.detect(crops);
    for (let i = 0; i < crops.length; i++) {
      const [single] = await models.detector.detect([crops[i]]);
      expect(maxAbsDiff(batch[i].scores, single.scores)).toBeLessThan(1e-4);
      expect(maxAbsDiff(batch[i].boxes, single.boxes)).toBeLessThan(1e-4);
    }
  });

  it('landmarks', async () => {
    const inputs = sized(64, 64);
    const batch = await models.landmarks.locate(inputs);
    for (let i = 0; i < inputs.length; i++) expect(maxAbsDiff(batch[i], (await models.landmarks.locate([inputs[i]]))[0])).toBeLessThan(1e-4);
  });

  it('identity', async () => {
    const inputs = sized(112, 112);
    const batch = await models.identity.embed(inputs);
    for (let i = 0; i < inputs.length; i++) expect(maxAbsDiff(batch[i], (await models.identity.embed([inputs[i]]))[0])).toBeLessThan(1e-4);
    expect(new Set(batch.map((e) => e[0])).size).toBe(inputs.length);
  });

  it('expression, logits and pooled features', async () => {
    const { width, height } = models.expression.input;
    const inputs = crops.map((c) => resizeBilinear(c, width, height));
    const batch = await models.expression.analyse(inputs);
    for (let i = 0; i < inputs.length; i++) {
      const [single] = await models.expression.analyse([inputs[i]]);
      expect(maxAbsDiff(batch[i].logits, single.logits)).toBeLessThan(1e-3);
      expect(maxAbsDiff(batch[i].pooled, single.pooled)).toBeLessThan(1e-3);
      expect(batch[i].pooled).toHaveLength(models.expression.contract.pooledSize);
    }
  });

  it('pose', async () => {
    const batch = await models.pose.estimate(crops);
    for (let i = 0; i < crops.length; i++) {
      const [single] = await models.pose.estimate([crops[i]]);
      expect(Math.abs(batch[i].yaw - single.yaw)).toBeLessThan(1e-3);
      expect(Math.abs(batch[i].roll - single.roll)).toBeLessThan(1e-3);
    }
  });
});
