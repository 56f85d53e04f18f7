import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceCore, type LocatedFace } from '../../src/face/analyser.js';
import { largestFace } from '../../src/face/detect.js';
import type { RgbImage } from '../../src/image/rgb-image.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { WeightsFormatError } from '../../src/model-build/errors.js';
import { readTfjsWeights } from '../../src/model-build/face-expression-net-onnx.js';
import { EXPRESSION_LABELS } from '../../src/models/expression.js';
import { FACE_EXPRESSION_NET } from '../../src/models/face-expression-net.js';
import { openModels, type OpenedModels } from '../../src/models/index.js';
import { fixture } from '../support/fixtures.js';

const require = createRequire(import.meta.url);

describe('readTfjsWeights', () => {
  const manifest = (weights: object[]) => JSON.stringify([{ paths: ['w.bin'], weights }]);

  it('undoes uint8 quantization (min + scale * q) and reads float32 tensors, in manifest order', () => {
    const shard = new Uint8Array(3 + 8);
    shard.set([0, 1, 255]);
    new DataView(shard.buffer).setFloat32(3, 1.5, true);
    new DataView(shard.buffer).setFloat32(7, -2, true);
    const weights = readTfjsWeights(
      manifest([
        { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'f', shape: [1, 2], dtype: 'float32' },
      ]),
      shard,
    );
    expect(Array.from(weights.get('q')!.values)).toEqual([-1, -0.5, 126.5]);
    expect(Array.from(weights.get('f')!.values)).toEqual([1.5, -2]);
    expect(weights.get('f')!.shape).toEqual([1, 2]);
  });

  it('refuses a shard of the wrong length and quantization it does not know', () => {
    const f = [{ name: 'f', shape: [2], dtype: 'float32' }];
    expect(() => readTfjsWeights(manifest(f), new Uint8Array(4))).toThrow(/f: shard ends early/);
    expect(() => readTfjsWeights(manifest(f), new Uint8Array(12))).toThrow(/holds 12 bytes, the manifest describes 8/);
    const q16 = [{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1, min: 0 } }];
    expect(() => readTfjsWeights(manifest(q16), new Uint8Array(2))).toThrow(WeightsFormatError);
  });
});

/**
 * The ONNX graph `mien models fetch` builds from @vladmandic/face-api's weights, against face-api's
 * own FaceExpressionNet (TensorFlow.js, wasm backend) on the same crops of real faces.
 */
describe('FaceExpressionNet as ONNX', () => {
  let models: OpenedModels;
  let core: FaceCore;
  const faces = new Map<string, LocatedFace>();
  beforeAll(async () => {
    models = await openModels({ expressionModel: FACE_EXPRESSION_NET.kind }, { log: () => {} });
    core = new FaceCore(models);
    for (const picture of ['001_03', '001_08', '038_08', '012_08']) {
      const image = await readImageFile(fixture(`faces/london/${picture}.jpg`));
      const [detections] = await core.detect([image]);
      faces.set(picture, (await core.locate([{ frame: image, detection: largestFace(detections)! }]))[0]);
    }
  });
  afterAll(() => models?.close());

  it('gives face-api\'s own probabilities on the same crops', async () => {
    const crops = [...faces.values()].flatMap((f) => core.expressionViews(f));
    const ours = await models.expression.analyse(crops);
    const reference = await faceApiProbabilities(crops);
    const FACE_API_ORDER = ['neutral', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'];
    ours.forEach((o, i) => {
      const theirs = EXPRESSION_LABELS.map((label) => reference[i][FACE_API_ORDER.indexOf(label)]);
      for (let k = 0; k < theirs.length; k++) expect(Math.abs(o.probabilities[k] - theirs[k])).toBeLessThan(1e-4);
    });
  });

  it('reads smiles as happy and a neutral face as neutral, and sees the closed-mouth smile of 038', async () => {
    const top = (p: Float32Array) => EXPRESSION_LABELS[p.indexOf(Math.max(...p))];
    const outputs = await core.expressions([...faces.values()]);
    expect(outputs.map((o) => top(o.probabilities))).toEqual(['neutral', 'happy', 'happy', 'happy']);
    expect(outputs[0].pooled).toHaveLength(FACE_EXPRESSION_NET.pooledSize);
  });
});

/** face-api's FaceExpressionNet (its node-wasm build, weights from the package) on 112x112 crops. */
async function faceApiProbabilities(crops: readonly RgbImage[]): Promise<Float32Array[]> {
  type Tensor = { data(): Promise<Float32Array>; dispose(): void };
  interface FaceApi {
    tf: {
      setWasmPaths(path: string): void;
      setBackend(name: string): Promise<boolean>;
      ready(): Promise<void>;
      tensor4d(values: Float32Array, shape: number[]): Tensor;
    };
    nets: { faceExpressionNet: { loadFromDisk(dir: string): Promise<void>; forwardInput(input: unknown): Tensor } };
    toNetInput(input: Tensor): Promise<unknown>;
  }
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  faceapi.tf.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist', '/'));
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  await faceapi.nets.faceExpressionNet.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
  const out: Float32Array[] = [];
  for (const crop of crops) {
    const input = faceapi.tf.tensor4d(Float32Array.from(crop.data), [1, crop.height, crop.width, 3]);
    const probabilities = faceapi.nets.faceExpressionNet.forwardInput(await faceapi.toNetInput(input));
    out.push(await probabilities.data());
    probabilities.dispose();
    input.dispose();
  }
  return out;
}
