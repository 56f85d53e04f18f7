import { EXPRESSION_LABELS, type ExpressionLabel } from '../models/expression.js';
import { FACE_EXPRESSION_NET } from '../models/face-expression-net.js';
import { DataType, encodeModel, type Attribute, type Node, type Tensor } from '../models/onnx-format.js';
import { WeightsFormatError } from './errors.js';

/** The order the network was trained in; the ONNX graph reorders its logits to EXPRESSION_LABELS. */
const TRAINED_ORDER = ['neutral', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise'] as const satisfies readonly ExpressionLabel[];

/** One weight of a TensorFlow.js weights manifest (tfjs-core io.WeightsManifestEntry, the part used here). */
interface ManifestWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype: string; readonly scale: number; readonly min: number };
}

export interface NamedWeight {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Reads a TensorFlow.js weights manifest (JSON) and its one binary shard into float tensors,
 * undoing uint8 quantization the way tfjs does (min + scale * q).
 */
export function readTfjsWeights(manifestJson: string, shard: Uint8Array): Map<string, NamedWeight> {
  const groups = JSON.parse(manifestJson) as { paths: string[]; weights: ManifestWeight[] }[];
  if (!Array.isArray(groups) || groups.length !== 1) throw new WeightsFormatError('expected a weights manifest with one group');
  const weights = new Map<string, NamedWeight>();
  let offset = 0;
  for (const w of groups[0].weights) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (w.dtype !== 'float32') throw new WeightsFormatError(`${w.name}: dtype ${w.dtype}, expected float32`);
    if (w.quantization) {
      if (w.quantization.dtype !== 'uint8') throw new WeightsFormatError(`${w.name}: ${w.quantization.dtype} quantization is not supported`);
      if (offset + size > shard.length) throw new WeightsFormatError(`${w.name}: shard ends early`);
      const { min, scale } = w.quantization;
      for (let i = 0; i < size; i++) values[i] = min + scale * shard[offset + i];
      offset += size;
    } else {
      if (offset + 4 * size > shard.length) throw new WeightsFormatError(`${w.name}: shard ends early`);
      const view = new DataView(shard.buffer, shard.byteOffset + offset, 4 * size);
      for (let i = 0; i < size; i++) values[i] = view.getFloat32(4 * i, true);
      offset += 4 * size;
    }
    weights.set(w.name, { shape: w.shape, values });
  }
  if (offset !== shard.length) throw new WeightsFormatError(`shard holds ${shard.length} bytes, the manifest describes ${offset}`);
  return weights;
}

/**
 * The FaceExpressionNet graph as ONNX (opset 13, batch dimension free): input NCHW 112x112 under
 * FACE_EXPRESSION_NET.input; outputs the 7 logits (EXPRESSION_LABELS order) and the 256-d pooled
 * features. TensorFlow's 'same' padding of a stride-2 3x3 convolution on an even size pads only
 * the bottom and right.
 */
export function faceExpressionNetOnnx(weights: ReadonlyMap<string, NamedWeight>): Uint8Array {
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  const weight = (name: string): NamedWeight => {
    const w = weights.get(name);
    if (!w) throw new WeightsFormatError(`weights lack ${name}`);
    return w;
  };
  const initializer = (name: string, dims: readonly number[], values: Float32Array): string => {
    initializers.push({ name, dims: dims.map(String), dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  };
  const conv = (name: string, x: string, w: string, bias: string | undefined, attrs: { group: number; stride: number; kernel: number }): string => {
    const pad = attrs.kernel === 1 ? [0, 0, 0, 0] : attrs.stride === 2 ? [0, 0, 1, 1] : [1, 1, 1, 1];
    const attribute: Attribute[] = [
      { name: 'group', type: ATTRIBUTE_INT, i: String(attrs.group) },
      { name: 'strides', type: ATTRIBUTE_INTS, ints: [attrs.stride, attrs.stride].map(String) },
      { name: 'pads', type: ATTRIBUTE_INTS, ints: pad.map(String) },
      { name: 'kernel_shape', type: ATTRIBUTE_INTS, ints: [attrs.kernel, attrs.kernel].map(String) },
    ];
    nodes.push({ opType: 'Conv', name, input: bias ? [x, w, bias] : [x, w], output: [name], attribute });
    return name;
  };
  const op = (opType: string, name: string, inputs: string[]): string => {
    nodes.push({ opType, name, input: inputs, output: [name] });
    return name;
  };
  /** A TF [kh, kw, in, out] filter as ONNX [out, in, kh, kw]. */
  const regularFilter = (name: string): string => {
    const { shape, values } = weight(name);
    const [kh, kw, cin, cout] = shape;
    const out = new Float32Array(values.length);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
      out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o];
    }
    return initializer(name, [cout, cin, kh, kw], out);
  };
  /** A TF depthwise [kh, kw, c, 1] filter as ONNX [c, 1, kh, kw] (group = c). */
  const depthwiseFilter = (name: string): string => {
    const { shape, values } = weight(name);
    const [kh, kw, c] = shape;
    const out = new Float32Array(values.length);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < c; i++) out[(i * kh + y) * kw + x] = values[(y * kw + x) * c + i];
    return initializer(name, [c, 1, kh, kw], out);
  };
  const bias = (name: string): string => initializer(name, weight(name).shape, weight(name).values);
  const separable = (prefix: string, x: string, stride: number): string => {
    const channels = weight(`${prefix}/depthwise_filter`).shape[2];
    const depthwise = conv(`${prefix}/depthwise`, x, depthwiseFilter(`${prefix}/depthwise_filter`), undefined, { group: channels, stride, kernel: 3 });
    return conv(`${prefix}/pointwise`, depthwise, regularFilter(`${prefix}/pointwise_filter`), bias(`${prefix}/bias`), { group: 1, stride: 1, kernel: 1 });
  };
  /** face-api's denseBlock4: each conv sees the ReLU of the sum of all earlier outputs. */
  const denseBlock = (block: string, x: string, first: boolean): string => {
    const conv0 = first
      ? conv(`${block}/conv0`, x, regularFilter(`${block}/conv0/filters`), bias(`${block}/conv0/bias`), { group: 1, stride: 2, kernel: 3 })
      : separable(`${block}/conv0`, x, 2);
    const outs = [op('Relu', `${block}/out1`, [conv0])];
    let sum = outs[0];
    for (let k = 1; k <= 3; k++) {
      const input = k === 1 ? outs[0] : op('Relu', `${block}/in${k + 1}`, [sum]);
      outs.push(separable(`${block}/conv${k}`, input, 1));
      sum = op('Add', `${block}/sum${k + 1}`, [sum, outs[k]]);
    }
    return op('Relu', `${block}/out`, [sum]);
  };
  let x = FACE_EXPRESSION_NET.input.name;
  for (let b = 0; b < 4; b++) x = denseBlock(`dense${b}`, x, b === 0);
  // avgPool 7x7 on the 7x7 map of a 112x112 input: the global average.
  const pooled = op('GlobalAveragePool', 'pooled', [x]);
  const features = op('Flatten', FACE_EXPRESSION_NET.outputs.pooled, [pooled]);
  // The classifier's columns in EXPRESSION_LABELS order, so its logits read like every expression model's.
  const fc = weight('fc/weights'), fcBias = weight('fc/bias');
  const [inputs, classes] = fc.shape;
  if (classes !== EXPRESSION_LABELS.length) throw new WeightsFormatError(`fc/weights has ${classes} classes, expected ${EXPRESSION_LABELS.length}`);
  const column = EXPRESSION_LABELS.map((label) => TRAINED_ORDER.indexOf(label));
  const reordered = Float32Array.from(fc.values, (_, k) => fc.values[Math.floor(k / classes) * classes + column[k % classes]]);
  const fcWeights = initializer('fc/weights', [inputs, classes], reordered);
  const fcBiases = initializer('fc/bias', [classes], Float32Array.from(column, (c) => fcBias.values[c]));
  nodes.push({ opType: 'Gemm', name: 'fc', input: [features, fcWeights, fcBiases], output: [FACE_EXPRESSION_NET.outputs.logits] });
  const { width, height, name } = FACE_EXPRESSION_NET.input;
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: String(d) })) } },
  });
  return encodeModel({
    irVersion: '8',
    opsetImport: [{ domain: '', version: '13' }],
    graph: {
      node: nodes,
      initializer: initializers,
      input: [{ name, type: tensorType(['batch', 3, height, width]) }],
      output: [
        { name: FACE_EXPRESSION_NET.outputs.logits, type: tensorType(['batch', EXPRESSION_LABELS.length]) },
        { name: FACE_EXPRESSION_NET.outputs.pooled, type: tensorType(['batch', FACE_EXPRESSION_NET.pooledSize]) },
      ],
    },
  });
}

/** ONNX AttributeProto.AttributeType values. */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;
