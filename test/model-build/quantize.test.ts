import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceCore, type LocatedFace } from '../../src/face/analyser.js';
import { createRgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { quantizeWithCalibration } from '../../src/model-build/calibration.js';
import { OnnxFormatError } from '../../src/models/errors.js';
import { DENSENET_FER, EXPRESSION_LABELS } from '../../src/models/expression.js';
import { FACE_EXPRESSION_NET } from '../../src/models/face-expression-net.js';
import { expressionModelFile, openModels, type OpenedModels } from '../../src/models/index.js';
import { DataType, decodeModel, encodeModel, type Tensor } from '../../src/models/onnx-format.js';
import { quantizeConvsInt8, uint8Quantization, widenRange } from '../../src/model-build/quantize.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { ort } from '../../src/models/session.js';
import { packNchw, type ImageInputContract } from '../../src/models/tensor-input.js';
import { fixture } from '../support/fixtures.js';

/** A seeded stream of numbers in [-1, 1). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 31) - 1;
}

const floats = (name: string, dims: number[], values: Float32Array): Tensor => ({
  name, dims: dims.map(String), dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer),
});

/**
 * An opset-9 network shaped like DenseNet's pieces: Conv 3x3 with bias -> Relu -> Pad (attribute
 * form, as before opset 11) -> Conv 1x1 without bias, on an 8x8 RGB input.
 */
function tinyConvNet(extraOp?: string): Uint8Array {
  const random = seeded(7);
  const w1 = Float32Array.from({ length: 4 * 3 * 3 * 3 }, () => random() * 0.5);
  const b1 = Float32Array.from({ length: 4 }, () => random() * 0.1);
  const w2 = Float32Array.from({ length: 2 * 4 }, () => random());
  const value = (name: string, dims: (string | number)[]) => ({
    name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: String(d) })) } } },
  });
  const last = extraOp ? 'conv2' : 'y';
  return encodeModel({
    irVersion: '6',
    opsetImport: [{ version: '9' }],
    graph: {
      node: [
        { opType: 'Conv', name: 'c1', input: ['x', 'w1', 'b1'], output: ['conv1'], attribute: [{ name: 'pads', type: 7, ints: ['1', '1', '1', '1'] }] },
        { opType: 'Relu', name: 'r1', input: ['conv1'], output: ['relu1'] },
        { opType: 'Pad', name: 'p1', input: ['relu1'], output: ['padded'], attribute: [{ name: 'pads', type: 7, ints: ['0', '0', '0', '0', '0', '0', '0', '0'] }] },
        { opType: 'Conv', name: 'c2', input: ['padded', 'w2'], output: [last] },
        ...(extraOp ? [{ opType: extraOp, name: 'extra', input: [last], output: ['y'] }] : []),
      ],
      initializer: [floats('w1', [4, 3, 3, 3], w1), floats('b1', [4], b1), floats('w2', [2, 4, 1, 1], w2)],
      input: [value('x', ['batch', 3, 8, 8])],
      output: [value('y', ['batch', 2, 8, 8])],
    },
  });
}

const TINY_INPUT: ImageInputContract = { name: 'x', width: 8, height: 8, colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] };

function noiseImages(count: number, seed: number): RgbImage[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => createRgbImage(8, 8, Uint8Array.from({ length: 8 * 8 * 3 }, () => Math.floor((random() + 1) * 127.5))));
}

async function outputs(model: Uint8Array, images: readonly RgbImage[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', packNchw(images, TINY_INPUT), [images.length, 3, 8, 8]) });
    return y.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('activation ranges', () => {
  it('always include zero, so zero quantizes exactly', () => {
    const range = widenRange(undefined, Float32Array.of(0.5, 2));
    expect(range).toEqual([0, 2]);
    const { scale, zeroPoint } = uint8Quantization(widenRange(range, Float32Array.of(-1)));
    expect(zeroPoint).toBe(85);
    expect(Math.abs(-zeroPoint * scale - -1)).toBeLessThan(scale);
  });
});

describe('quantizeConvsInt8', () => {
  it('writes int8 convolutions whose outputs stay within a few quantization steps of the float ones', async () => {
    const float = tinyConvNet();
    const int8 = await quantizeWithCalibration(float, TINY_INPUT, noiseImages(16, 1));
    const model = decodeModel(int8);
    expect(model.opsetImport).toEqual([{ version: '13' }]);
    const ops = (model.graph.node ?? []).map((n) => n.opType);
    // c2's input and output; c1 reads the graph input (the stem) and stays float.
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(2);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(2);
    expect(model.graph.initializer?.find((t) => t.name === 'w2/int8')?.dataType).toBe(3);
    expect(model.graph.initializer?.some((t) => t.name === 'w2')).toBe(false);
    expect(model.graph.initializer?.some((t) => t.name === 'w1')).toBe(true);
    expect((model.graph.node ?? []).find((n) => n.opType === 'Pad')?.input).toHaveLength(3);

    const test = noiseImages(8, 2);
    const [expected, actual] = [await outputs(float, test), await outputs(int8, test)];
    let range = 0, error = 0;
    for (let i = 0; i < expected.length; i++) {
      range = Math.max(range, Math.abs(expected[i]));
      error = Math.max(error, Math.abs(expected[i] - actual[i]));
    }
    expect(error / range).toBeLessThan(0.05);
    expect(error).toBeGreaterThan(0); // it did quantize
  });

  it('refuses an operator whose meaning changed by opset 13, and tensors without a calibrated range', () => {
    expect(() => quantizeConvsInt8(tinyConvNet('Softmax'), new Map())).toThrow(/Softmax is not known/);
    expect(() => quantizeConvsInt8(tinyConvNet(), new Map())).toThrow(OnnxFormatError);
  });
});

describe('which expression model opens', () => {
  const dir = defaultModelsDir();
  const DENSENET = DENSENET_FER.kind;
  const noCuda = () => false, cuda = () => true;

  it('int8 on the CPU when it is provisioned, float on CUDA or when asked', () => {
    expect(expressionModelFile(dir, DENSENET, 'auto', 'auto', noCuda)).toEqual({ path: join(dir, DENSENET_FER.int8.file), precision: 'int8' });
    expect(expressionModelFile(dir, DENSENET, 'auto', 'auto', cuda).precision).toBe('float');
    expect(expressionModelFile(dir, DENSENET, 'auto', 'cuda', noCuda).precision).toBe('float');
    expect(expressionModelFile(dir, DENSENET, 'float', 'cpu', noCuda)).toEqual({ path: join(dir, DENSENET_FER.source.file), precision: 'float' });
  });

  it('FaceExpressionNet, the default, has no int8 version: float, and an error when int8 is asked for', () => {
    expect(expressionModelFile(dir, FACE_EXPRESSION_NET.kind, 'auto', 'cpu', noCuda)).toEqual({ path: join(dir, FACE_EXPRESSION_NET.source.file), precision: 'float' });
    expect(() => expressionModelFile(dir, FACE_EXPRESSION_NET.kind, 'int8', 'cpu', noCuda)).toThrow(/only densenet121-fer has an int8 version/);
  });

  it('float when no int8 model was derived; an error when int8 is asked for and missing', () => {
    expect(expressionModelFile('/nonexistent', DENSENET, 'auto', 'cpu').precision).toBe('float');
    expect(() => expressionModelFile('/nonexistent', DENSENET, 'int8', 'cpu')).toThrow(/mien models fetch/);
  });
});

/** The provisioned int8 model (calibrated on the demo picture) against the float one, on faces it was not calibrated on. */
describe('the int8 expression model', () => {
  let float: OpenedModels, int8: OpenedModels;
  beforeAll(async () => {
    [float, int8] = await Promise.all([
      openModels({ expressionModel: DENSENET_FER.kind, expressionPrecision: 'float' }, { log: () => {} }),
      openModels({ expressionModel: DENSENET_FER.kind, expressionPrecision: 'int8' }, { log: () => {} }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([float?.close(), int8?.close()]);
  });

  it('reads the same expression as the float model on London smiles and neutral faces', async () => {
    const core = new FaceCore(float);
    const people = ['001', '004', '009', '012', '022', '030'];
    const faces: LocatedFace[] = [];
    for (const person of people) {
      for (const photo of ['03', '08']) {
        const image = await readImageFile(fixture(`faces/london/${person}_${photo}.jpg`));
        const [detections] = await core.detect([image]);
        faces.push(...(await core.locate([{ frame: image, detection: detections[0] }])));
      }
    }
    expect(int8.expressionPrecision).toBe('int8');
    const top = (p: Float32Array) => EXPRESSION_LABELS[p.indexOf(Math.max(...p))];
    const [a, b] = await Promise.all([float, int8].map((m) => m.expression.analyse(faces.map((f) => f.eyeCrop.image))));
    const agreeing = a.filter((o, i) => top(o.probabilities) === top(b[i].probabilities)).length;
    expect(agreeing).toBeGreaterThanOrEqual(faces.length - 1);
    // The smile is still the smile: p(happy) rises from each neutral photo to the smiling one.
    for (let i = 0; i < faces.length; i += 2) expect(b[i + 1].probabilities[3]).toBeGreaterThan(b[i].probabilities[3]);
  });
});
