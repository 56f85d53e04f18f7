import { beforeAll, describe, expect, it } from 'vitest';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTflite, type Model } from '../../../src/model-build/tflite/tflite-format.js';
import { tfliteToOnnx } from '../../../src/model-build/tflite/tflite-to-onnx.js';
import { FACE_CROP, facePixels, normalise, randomPixels, readTask, toNchw } from './face-landmarker-fixture.js';
import { compareOpByOp, worst } from './op-by-op.js';
import { runOnnx } from './onnx-run.js';

/** Face mesh v2: 256 x 256 RGB in [0, 1] (its metadata: mean 0, std 255). */
const SIZE = 256;
const input = (pixels: Uint8Array) => normalise(pixels, 0, 255);

describe('face_landmarks_detector.tflite as ONNX', () => {
  let model: Model;
  let exposed: Uint8Array;
  beforeAll(() => {
    model = readTflite(readTaskBundle(readTask()).get('face_landmarks_detector.tflite')!);
    exposed = tfliteToOnnx(model, { exposeAll: true });
  });

  const opByOp = async (pixels: Uint8Array) => {
    const nhwc = input(pixels);
    const errors = await compareOpByOp(model.subgraphs[0], exposed, nhwc, toNchw(nhwc, SIZE, SIZE, 3), [1, 3, SIZE, SIZE]);
    // Every operator but the 251 folded DEQUANTIZEs: 72 CONV_2D, 69 PRELU, 34 DEPTHWISE_CONV_2D, 34 ADD, ...
    expect(errors).toHaveLength(220);
    for (const e of errors) expect(e.relative, `${e.op} (operator ${e.operator}) "${e.tensor}"`).toBeLessThan(1e-3);
    return worst(errors);
  };

  it('matches the reference interpreter op by op on a real face crop', async () => {
    expect((await opByOp(await facePixels(SIZE, FACE_CROP))).relative).toBeLessThan(1e-3);
  });

  it('matches the reference interpreter op by op on noise', async () => {
    expect((await opByOp(randomPixels(SIZE, 12))).relative).toBeLessThan(1e-3);
  });

  it('finds a face on the face crop, with its 478 points inside the crop, and none in noise', async () => {
    const batches = [await facePixels(SIZE, FACE_CROP), randomPixels(SIZE, 12)].map((p) => ({ data: toNchw(input(p), SIZE, SIZE, 3), dims: [1, 3, SIZE, SIZE] }));
    const [face, noise] = await runOnnx(tfliteToOnnx(model), batches);
    expect(face.Identity.dims).toEqual([1, 1434]);
    expect(face.Identity_1.data[0]).toBeGreaterThan(5);
    expect(noise.Identity_1.data[0]).toBeLessThan(0);
    const xy = face.Identity.data.filter((_, i) => i % 3 !== 2);
    expect(Math.min(...xy)).toBeGreaterThan(0);
    expect(Math.max(...xy)).toBeLessThan(SIZE);
  });
});
