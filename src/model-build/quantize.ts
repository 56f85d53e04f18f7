import { OnnxFormatError } from '../models/errors.js';
import { DataType, decodeModel, encodeModel, type Attribute, type Graph, type Model, type Node, type Tensor } from '../models/onnx-format.js';

/**
 * Static int8 quantization of a convolutional ONNX model, written as a QDQ graph: every Conv reads
 * its input through QuantizeLinear -> DequantizeLinear (uint8, one scale per tensor, from
 * calibrated ranges), its weights as int8 with one scale per output channel, its bias as int32,
 * and writes its output through QuantizeLinear -> DequantizeLinear. ONNX Runtime fuses each such
 * group into one QLinearConv running on int8 kernels; everything between the convolutions
 * (batch norm, pooling, concatenation) stays float, and so does the stem: a Conv reading a graph
 * input (quantized, DenseNet FER's logits moved by 0.89 on average; float, 0.19).
 */

/** Names what `quantizeConvsInt8` writes; a model derived under another scheme is derived again. */
export const QUANTIZATION_SCHEME = 'qdq-int8-per-channel-stem-float-1';

/** Observed [min, max] of a tensor over the calibration inputs. */
export type TensorRange = readonly [number, number];

/** Per-axis QuantizeLinear/DequantizeLinear need opset 13; these ops mean the same from opset 9 to 13. */
const OPSET = 13;
const UNCHANGED_SINCE_OPSET_9 = new Set([
  'Add', 'AveragePool', 'BatchNormalization', 'Concat', 'Conv', 'Flatten', 'Gemm', 'GlobalAveragePool',
  'Identity', 'MaxPool', 'Mul', 'Relu', 'Reshape', 'Sigmoid',
]);

const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

/** The tensors whose ranges calibration must observe: every quantized Conv's input and output. */
export function convActivations(bytes: Uint8Array): string[] {
  const { graph } = decodeModel(bytes);
  const names = new Set<string>();
  for (const node of quantizedConvs(graph)) names.add(input(node, 0)).add(output(node));
  return [...names];
}

function quantizedConvs(graph: Graph): Node[] {
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name));
  return (graph.node ?? []).filter((n) => n.opType === 'Conv' && !graphInputs.has(input(n, 0)));
}

/** The same model with `tensors` also exposed as float outputs, for calibration runs. */
export function exposeTensors(bytes: Uint8Array, tensors: readonly string[]): Uint8Array {
  const model = decodeModel(bytes);
  const outputs = model.graph.output ?? [];
  const known = new Set(outputs.map((o) => o.name));
  model.graph.output = [...outputs, ...tensors.filter((t) => !known.has(t)).map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } }))];
  return encodeModel(model);
}

/** Widens `range` to cover `values`, always including 0 (so zero stays exactly representable). */
export function widenRange(range: TensorRange | undefined, values: Float32Array): TensorRange {
  let [lo, hi] = range ?? [0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** uint8 scale and zero point covering `range` (which includes 0). */
export function uint8Quantization([lo, hi]: TensorRange): { scale: number; zeroPoint: number } {
  const scale = Math.max(hi - lo, 1e-8) / 255;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/**
 * Writes the QDQ int8 version of a float model. `ranges` must cover every tensor
 * `convActivations` names. Models with operators outside a small, checked set are refused: the
 * opset is raised to 13 and only those operators are known to mean the same there.
 */
export function quantizeConvsInt8(bytes: Uint8Array, ranges: ReadonlyMap<string, TensorRange>): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph;
  raiseOpset(model);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const added: Tensor[] = [];
  const replaced = new Set<string>();
  const nodes: Node[] = [];
  const dequantized = new Map<string, string>();
  const quantize = new Set(quantizedConvs(graph));

  const rangeOf = (name: string): TensorRange => {
    const range = ranges.get(name);
    if (!range) throw new OnnxFormatError(`no calibrated range for tensor "${name}"`);
    return range;
  };
  const activationQdq = (name: string, from: string, to: string): void => {
    const { scale, zeroPoint } = uint8Quantization(rangeOf(name));
    added.push(floats(`${name}/scale`, [scale], []), { name: `${name}/zero_point`, dims: [], dataType: UINT8, rawData: Uint8Array.of(zeroPoint) });
    nodes.push(
      { opType: 'QuantizeLinear', name: `${name}/Q`, input: [from, `${name}/scale`, `${name}/zero_point`], output: [`${name}/quantized`] },
      { opType: 'DequantizeLinear', name: `${name}/DQ`, input: [`${name}/quantized`, `${name}/scale`, `${name}/zero_point`], output: [to] },
    );
  };

  for (const node of graph.node ?? []) {
    if (node.opType === 'Pad') {
      nodes.push(padWithInputs(node, added));
      continue;
    }
    if (!quantize.has(node)) {
      nodes.push(node);
      continue;
    }
    const x = input(node, 0);
    if (!dequantized.has(x)) {
      activationQdq(x, x, `${x}/dequantized`);
      dequantized.set(x, `${x}/dequantized`);
    }
    const weight = constant(initializers, input(node, 1));
    const { scales, quantized } = int8PerChannel(weight);
    const w = weight.name ?? '';
    replaced.add(w);
    added.push(
      { name: `${w}/int8`, dims: weight.dims, dataType: INT8, rawData: new Uint8Array(quantized.buffer) },
      floats(`${w}/scale`, Array.from(scales), [String(scales.length)]),
      { name: `${w}/zero_point`, dims: [String(scales.length)], dataType: INT8, rawData: new Uint8Array(scales.length) },
    );
    nodes.push(perChannelDq(w, `${w}/int8`));
    const inputs = [dequantized.get(x) ?? x, `${w}/dequantized`];
    const biasName = node.input?.[2];
    if (biasName) {
      // The bias is int32 at the scale of input x weight, as QLinearConv adds it to the int32 accumulator.
      const bias = floatValues(constant(initializers, biasName));
      const inputScale = uint8Quantization(rangeOf(x)).scale;
      const biasScales = Array.from(scales, (s) => s * inputScale);
      const q = Int32Array.from(bias, (v, c) => Math.round(v / biasScales[c]));
      replaced.add(biasName);
      added.push(
        { name: `${biasName}/int32`, dims: [String(q.length)], dataType: INT32, rawData: new Uint8Array(q.buffer) },
        floats(`${biasName}/scale`, biasScales, [String(q.length)]),
        { name: `${biasName}/zero_point`, dims: [String(q.length)], dataType: INT32, rawData: new Uint8Array(4 * q.length) },
      );
      nodes.push(perChannelDq(biasName, `${biasName}/int32`));
      inputs.push(`${biasName}/dequantized`);
    }
    const y = output(node);
    nodes.push({ ...node, input: inputs, output: [`${y}/float`] });
    activationQdq(y, `${y}/float`, y);
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? '')), ...added];
  graph.valueInfo = [];
  return encodeModel(model);
}

function raiseOpset(model: Model): void {
  const imports = model.opsetImport ?? [];
  const onnx = imports.find((o) => !o.domain);
  if (imports.length !== 1 || !onnx) throw new OnnxFormatError('quantization handles models that import the default ONNX domain only');
  const version = Number(onnx.version);
  for (const node of model.graph.node ?? []) {
    if (node.opType !== 'Pad' && version < OPSET && !UNCHANGED_SINCE_OPSET_9.has(node.opType)) {
      throw new OnnxFormatError(`cannot raise opset ${version} to ${OPSET}: ${node.opType} is not known to mean the same there`);
    }
  }
  if (version < 9) throw new OnnxFormatError(`opset ${version} is older than 9`);
  onnx.version = String(Math.max(version, OPSET));
}

/** Opset 11 moved Pad's pads and value from attributes to inputs. */
function padWithInputs(node: Node, added: Tensor[]): Node {
  const attribute = node.attribute ?? [];
  const pads = attribute.find((a) => a.name === 'pads');
  if (!pads) return node;
  const name = node.name ?? output(node);
  const value = attribute.find((a) => a.name === 'value')?.f ?? 0;
  added.push(
    { name: `${name}/pads`, dims: [String(pads.ints?.length ?? 0)], dataType: DataType.INT64, int64Data: pads.ints ?? [] },
    floats(`${name}/value`, [value], []),
  );
  const mode: Attribute[] = attribute.filter((a) => a.name === 'mode');
  return { ...node, input: [input(node, 0), `${name}/pads`, `${name}/value`], attribute: mode };
}

/** Symmetric int8 weights, one scale per output channel (axis 0). */
function int8PerChannel(weight: Tensor): { scales: Float32Array; quantized: Int8Array } {
  const values = floatValues(weight);
  const channels = Number(weight.dims?.[0] ?? 0);
  if (!channels || values.length % channels !== 0) throw new OnnxFormatError(`weight "${weight.name}" has no output-channel axis`);
  const per = values.length / channels;
  const scales = new Float32Array(channels);
  const quantized = new Int8Array(values.length);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(values[i]));
    const scale = max > 0 ? max / 127 : 1;
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) quantized[i] = Math.round(values[i] / scale);
  }
  return { scales, quantized };
}

function perChannelDq(name: string, from: string): Node {
  return {
    opType: 'DequantizeLinear',
    name: `${name}/DQ`,
    input: [from, `${name}/scale`, `${name}/zero_point`],
    output: [`${name}/dequantized`],
    attribute: [{ name: 'axis', type: 2, i: '0' }],
  };
}

function constant(initializers: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const tensor = initializers.get(name);
  if (!tensor || tensor.dataType !== DataType.FLOAT) throw new OnnxFormatError(`Conv parameter "${name}" is not a float initializer`);
  return tensor;
}

function floatValues(tensor: Tensor): Float32Array {
  if (tensor.rawData && tensor.rawData.length > 0) return new Float32Array(Uint8Array.from(tensor.rawData).buffer);
  return Float32Array.from(tensor.floatData ?? []);
}

function floats(name: string, values: readonly number[], dims: string[]): Tensor {
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

function input(node: Node, index: number): string {
  const name = node.input?.[index];
  if (!name) throw new OnnxFormatError(`${node.opType} node "${node.name ?? ''}" has no input ${index}`);
  return name;
}

function output(node: Node): string {
  const name = node.output?.[0];
  if (!name) throw new OnnxFormatError(`${node.opType} node "${node.name ?? ''}" has no output`);
  return name;
}

