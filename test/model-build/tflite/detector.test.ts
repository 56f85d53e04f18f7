import { beforeAll, describe, expect, it } from 'vitest';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTflite, type Model } from '../../../src/model-build/tflite/tflite-format.js';
import { tfliteToOnnx } from '../../../src/model-build/tflite/tflite-to-onnx.js';
import { facePixels, normalise, randomPixels, readTask, toNchw } from './face-landmarker-fixture.js';
import { compareOpByOp, worst } from './op-by-op.js';
import { runOnnx } from './onnx-run.js';

/** BlazeFace short range: 128 x 128 RGB in [-1, 1] (its metadata: mean 127.5, std 127.5). */
const SIZE = 128;
const input = (pixels: Uint8Array) => normalise(pixels, 127.5, 127.5);

describe('face_detector.tflite as ONNX', () => {
  let model: Model;
  let exposed: Uint8Array;
  beforeAll(() => {
    model = readTflite(readTaskBundle(readTask()).get('face_detector.tflite')!);
    exposed = tfliteToOnnx(model, { exposeAll: true });
  });

  const opByOp = async (pixels: Uint8Array) => {
    const nhwc = input(pixels);
    const errors = await compareOpByOp(model.subgraphs[0], exposed, nhwc, toNchw(nhwc, SIZE, SIZE, 3), [1, 3, SIZE, SIZE]);
    // Every operator but the 74 folded DEQUANTIZEs: 21 CONV_2D, 17 RELU, 16 DEPTHWISE_CONV_2D, 16 ADD, 11 PAD, ...
    expect(errors).toHaveLength(90);
    for (const e of errors) expect(e.relative, `${e.op} (operator ${e.operator}) "${e.tensor}"`).toBeLessThan(1e-3);
    return worst(errors);
  };

  it('matches the reference interpreter op by op on a real face', async () => {
    expect((await opByOp(await facePixels(SIZE))).relative).toBeLessThan(1e-4);
  });

  it('matches the reference interpreter op by op on noise', async () => {
    expect((await opByOp(randomPixels(SIZE, 11))).relative).toBeLessThan(1e-4);
  });

  it('scores the face far above noise', async () => {
    const plain = tfliteToOnnx(model);
    const batches = [await facePixels(SIZE), randomPixels(SIZE, 11)].map((p) => ({ data: toNchw(input(p), SIZE, SIZE, 3), dims: [1, 3, SIZE, SIZE] }));
    const [face, noise] = (await runOnnx(plain, batches)).map((r) => Math.max(...r.classificators.data));
    expect(face).toBeGreaterThan(2);
    expect(face - noise).toBeGreaterThan(1.5);
  });
});
