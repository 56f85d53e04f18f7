import { beforeAll, describe, expect, it } from 'vitest';
import { faceLandmarkerOnnx, type FaceLandmarkerOnnx } from '../../../src/model-build/tflite/face-landmarker-onnx.js';
import { blendshapeInput } from './blendshape-landmarks.js';
import { FACE_CROP, facePixels, normalise, random, randomPixels, readTask, toNchw } from './face-landmarker-fixture.js';
import { runOnnx } from './onnx-run.js';

/**
 * Three items in one batch give what each gives alone: no op of the conversion mixes a batch. Not
 * bit for bit: ONNX Runtime's kernels block the work differently by batch size (about 2e-5 of an
 * output's range at most, in the blendshape net's layer norms).
 */
describe('converted Face Landmarker models under a batch of 3', () => {
  let models: FaceLandmarkerOnnx;
  beforeAll(() => {
    models = faceLandmarkerOnnx(readTask());
  });

  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };

  /** Runs the items batched and alone; returns the largest difference relative to each output's range. */
  const batchedVersusAlone = async (model: Uint8Array, items: Float32Array[], itemDims: readonly number[]) => {
    const [batched, ...alone] = await runOnnx(model, [{ data: concat(items), dims: [items.length, ...itemDims] }, ...items.map((data) => ({ data, dims: [1, ...itemDims] }))]);
    let worst = 0;
    for (const [name, out] of Object.entries(batched)) {
      expect(out.dims[0]).toBe(items.length);
      const per = out.data.length / items.length;
      alone.forEach((single, k) => {
        const expected = single[name].data;
        expect(expected.length).toBe(per);
        const range = Math.max(...expected) - Math.min(...expected) || 1;
        for (let i = 0; i < per; i++) worst = Math.max(worst, Math.abs(out.data[k * per + i] - expected[i]) / range);
      });
    }
    return worst;
  };

  it('detector: two faces and noise', async () => {
    const pixels = [await facePixels(128), await facePixels(128, undefined, 'faces/london/005_08.jpg'), randomPixels(128, 21)];
    const items = pixels.map((p) => toNchw(normalise(p, 127.5, 127.5), 128, 128, 3));
    expect(await batchedVersusAlone(models.detector, items, [3, 128, 128])).toBeLessThan(1e-4);
  });

  it('landmarks: two faces and noise', async () => {
    const pixels = [await facePixels(256, FACE_CROP), await facePixels(256, FACE_CROP, 'faces/london/005_08.jpg'), randomPixels(256, 22)];
    const items = pixels.map((p) => toNchw(normalise(p, 0, 255), 256, 256, 3));
    expect(await batchedVersusAlone(models.landmarks, items, [3, 256, 256])).toBeLessThan(1e-4);
  });

  it('blendshapes: three point sets', async () => {
    const [lm] = await runOnnx(models.landmarks, [{ data: toNchw(normalise(await facePixels(256, FACE_CROP), 0, 255), 256, 256, 3), dims: [1, 3, 256, 256] }]);
    const base = blendshapeInput(lm.Identity.data);
    const next = random(23);
    const items = [base, base.map((v) => 2 * v + 40), base.map((v) => v + 4 * (next() - 0.5))];
    expect(await batchedVersusAlone(models.blendshapes, items, [146, 2])).toBeLessThan(1e-4);
  });
});
