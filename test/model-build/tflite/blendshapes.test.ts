import { beforeAll, describe, expect, it } from 'vitest';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTflite, type Model } from '../../../src/model-build/tflite/tflite-format.js';
import { tfliteToOnnx } from '../../../src/model-build/tflite/tflite-to-onnx.js';
import { BLENDSHAPE, blendshapeInput } from './blendshape-landmarks.js';
import { FACE_CROP, facePixels, normalise, random, readTask, toNchw } from './face-landmarker-fixture.js';
import { compareOpByOp, worst } from './op-by-op.js';
import { runOnnx } from './onnx-run.js';

describe('face_blendshapes.tflite as ONNX', () => {
  let model: Model;
  let exposed: Uint8Array;
  /** Blendshape inputs from the converted landmark model on a neutral and a smiling portrait of one person. */
  const points = new Map<string, Float32Array>();
  beforeAll(async () => {
    const entries = readTaskBundle(readTask());
    model = readTflite(entries.get('face_blendshapes.tflite')!);
    exposed = tfliteToOnnx(model, { exposeAll: true });
    const landmarks = tfliteToOnnx(readTflite(entries.get('face_landmarks_detector.tflite')!));
    for (const picture of ['002_03', '002_08']) {
      const pixels = await facePixels(256, FACE_CROP, `faces/london/${picture}.jpg`);
      const [out] = await runOnnx(landmarks, [{ data: toNchw(normalise(pixels, 0, 255), 256, 256, 3), dims: [1, 3, 256, 256] }]);
      points.set(picture, blendshapeInput(out.Identity.data));
    }
  });

  const opByOp = async (input: Float32Array) => {
    // [1, 146, 2] has no image layout: the ONNX input is the TFLite input.
    const errors = await compareOpByOp(model.subgraphs[0], exposed, input, input, [1, 146, 2]);
    // Every operator but the 49 folded DEQUANTIZEs.
    expect(errors).toHaveLength(133);
    for (const e of errors) expect(e.relative, `${e.op} (operator ${e.operator}) "${e.tensor}"`).toBeLessThan(1e-3);
    return worst(errors);
  };

  it('matches the reference interpreter op by op on real landmarks', async () => {
    expect((await opByOp(points.get('002_08')!)).relative).toBeLessThan(1e-3);
  });

  it('matches the reference interpreter op by op on jittered landmarks in image pixels', async () => {
    // The same face placed in a 1280 x 720 frame, each point moved by up to 3 px.
    const next = random(13);
    const jittered = points.get('002_03')!.map((v, i) => (i % 2 === 0 ? 500 : 200) + 1.5 * v + 6 * (next() - 0.5));
    expect((await opByOp(jittered)).relative).toBeLessThan(1e-3);
  });

  it('reads the smile on the smiling portrait and not on the neutral one', async () => {
    const batches = ['002_03', '002_08'].map((p) => ({ data: points.get(p)!, dims: [1, 146, 2] }));
    const [neutral, smiling] = await runOnnx(tfliteToOnnx(model), batches);
    expect(smiling['StatefulPartitionedCall:0'].dims).toEqual([1, 52]);
    const smile = (r: typeof neutral) => (r['StatefulPartitionedCall:0'].data[BLENDSHAPE.mouthSmileLeft] + r['StatefulPartitionedCall:0'].data[BLENDSHAPE.mouthSmileRight]) / 2;
    expect(smile(neutral)).toBeLessThan(0.1);
    expect(smile(smiling)).toBeGreaterThan(0.5);
  });
});
