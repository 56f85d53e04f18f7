import { beforeAll, describe, expect, it } from 'vitest';
import { TfliteFormatError } from '../../../src/model-build/errors.js';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTflite, type Model } from '../../../src/model-build/tflite/tflite-format.js';
import { readInputNormalization } from '../../../src/model-build/tflite/tflite-metadata.js';
import { readTask } from './face-landmarker-fixture.js';

const counts = (model: Model) => {
  const out: Record<string, number> = {};
  for (const op of model.subgraphs[0].operators) {
    const name = op.op === 'OTHER' ? op.name : op.op;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
};

const io = (model: Model) => {
  const g = model.subgraphs[0];
  const describe = (t: number) => `${g.tensors[t].name} [${g.tensors[t].shape.join()}]`;
  return { inputs: g.inputs.map(describe), outputs: g.outputs.map(describe) };
};

describe('readTflite on the Face Landmarker graphs', () => {
  let models: Record<'detector' | 'landmarks' | 'blendshapes', Model>;
  beforeAll(() => {
    const entries = readTaskBundle(readTask());
    models = {
      detector: readTflite(entries.get('face_detector.tflite')!),
      landmarks: readTflite(entries.get('face_landmarks_detector.tflite')!),
      blendshapes: readTflite(entries.get('face_blendshapes.tflite')!),
    };
  });

  it('reads the operators of each main subgraph (old 8-bit and new 32-bit operator codes alike)', () => {
    expect(counts(models.detector)).toEqual({ DEQUANTIZE: 74, CONV_2D: 21, RELU: 17, DEPTHWISE_CONV_2D: 16, ADD: 16, PAD: 11, RESHAPE: 4, MAX_POOL_2D: 3, CONCATENATION: 2 });
    expect(counts(models.landmarks)).toEqual({ DEQUANTIZE: 251, CONV_2D: 72, PRELU: 69, DEPTHWISE_CONV_2D: 34, ADD: 34, MAX_POOL_2D: 6, PAD: 3, LOGISTIC: 1, RESHAPE: 1 });
    // shared/models/README.md lists MIRROR_PAD 8 here; the graph's code is 99, SQUARED_DIFFERENCE (layer norms' variance).
    expect(counts(models.blendshapes)).toEqual({
      DEQUANTIZE: 49, MUL: 26, ADD: 24, CONV_2D: 19, MEAN: 18, TRANSPOSE: 10, NEG: 8, SQUARED_DIFFERENCE: 8, RSQRT: 8, STRIDED_SLICE: 4,
      RESHAPE: 2, SUB: 1, SUM: 1, SQRT: 1, DIV: 1, CONCATENATION: 1, LOGISTIC: 1,
    });
  });

  it('reads inputs and outputs', () => {
    expect(io(models.detector)).toEqual({ inputs: ['input [1,128,128,3]'], outputs: ['regressors [1,896,16]', 'classificators [1,896,1]'] });
    expect(io(models.landmarks)).toEqual({ inputs: ['input_12 [1,256,256,3]'], outputs: ['Identity [1,1,1,1434]', 'Identity_1 [1,1,1,1]', 'Identity_2 [1,1]'] });
    expect(io(models.blendshapes)).toEqual({ inputs: ['serving_default_input_points:0 [1,146,2]'], outputs: ['StatefulPartitionedCall:0 [52]'] });
  });

  it('finds every weight as a FLOAT16 constant behind a DEQUANTIZE', () => {
    for (const model of Object.values(models)) {
      const g = model.subgraphs[0];
      const dequantized = g.operators.filter((op) => op.op === 'DEQUANTIZE').map((op) => g.tensors[op.inputs[0]]);
      expect(dequantized.every((t) => t.type === 'FLOAT16' && t.data !== undefined && !t.quantized)).toBe(true);
      expect(g.tensors.filter((t) => t.type === 'FLOAT16')).toHaveLength(dequantized.length);
    }
  });

  it('reads the operator options that decide shapes and activations', () => {
    const g = models.detector.subgraphs[0];
    const first = g.operators.find((op) => op.op === 'CONV_2D');
    expect(first).toMatchObject({ op: 'CONV_2D', options: { padding: 'SAME', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, activation: 'NONE' } });
    expect(g.tensors[first!.inputs[1]].shape).toEqual([24, 5, 5, 3]);
    expect(g.operators.find((op) => op.op === 'MAX_POOL_2D')).toMatchObject({ options: { padding: 'SAME', filterH: 2, filterW: 2, strideH: 2, strideW: 2 } });
    expect(g.operators.filter((op) => op.op === 'CONCATENATION').map((op) => op.op === 'CONCATENATION' && op.options.axis)).toEqual([1, 1]);
    const slices = models.blendshapes.subgraphs[0].operators.filter((op) => op.op === 'STRIDED_SLICE');
    expect(slices.map((op) => op.op === 'STRIDED_SLICE' && [op.options.beginMask, op.options.endMask, op.options.shrinkAxisMask])).toEqual([
      [15, 15, 0], [15, 11, 0], [11, 11, 0], [2, 2, 1],
    ]);
    // 19 convolutions: 2 embeddings, 4 mixer blocks of two 2-layer MLPs whose first layer has a fused RELU, 1 head.
    expect(models.blendshapes.subgraphs[0].operators.filter((op) => op.op === 'CONV_2D' && op.options.activation === 'RELU')).toHaveLength(8);
  });

  it('reads the input normalisation from the image models\' metadata: detector [-1, 1], landmarks [0, 1]', () => {
    expect(readInputNormalization(models.detector)).toEqual({ mean: [127.5], std: [127.5], min: [-1], max: [1] });
    expect(readInputNormalization(models.landmarks)).toEqual({ mean: [0], std: [255], min: [0], max: [1] });
    expect(readInputNormalization(models.blendshapes)).toBeUndefined();
  });
});

describe('readTflite on damaged bytes', () => {
  it('says what is wrong in one line', () => {
    const detector = readTaskBundle(readTask()).get('face_detector.tflite')!;
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /root at byte 0 \(\+8\) lies outside the 0-byte buffer/],
      [new TextEncoder().encode('PK\u0003\u0004 not a model at all'), /file identifier is " not", expected "TFL3"/],
      [detector.subarray(0, 100_000), /lies outside the 100000-byte buffer: truncated or corrupt/],
    ];
    for (const [bytes, pattern] of cases) {
      expect(() => readTflite(bytes)).toThrow(TfliteFormatError);
      expect(() => readTflite(bytes)).toThrow(pattern);
    }
  });
});
