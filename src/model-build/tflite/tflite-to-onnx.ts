import { TfliteConversionError } from '../errors.js';
import { identityOrder, isIdentity, keepsMemoryOrder, NCHW, permuteArray, sameOrder, transposePerm, type AxisOrder } from './axis-order.js';
import { decodeFloat16 } from './float16.js';
import { floatValueInfo, OnnxBuilder } from './onnx-builder.js';
import type { Activation, ConvOptions, Model, Operator, Padding, PoolOptions, StridedSliceOptions, Subgraph, Tensor } from './tflite-format.js';
import type { ValueInfo } from '../../models/onnx-format.js';

/**
 * Converts the main subgraph of a float TFLite model into an ONNX model (opset 13) that ONNX
 * Runtime runs on CPU, for the operators of MediaPipe's face graphs.
 *
 * - Batch: TFLite's batch of 1 becomes a free dimension `batch`; reshapes and slices that spell
 *   the 1 out are rewritten to keep it, and an op that would mix items of a batch is refused.
 * - Layout: a 4-D image input is NCHW `[batch, C, H, W]`, other inputs keep TFLite's order. Inside,
 *   each tensor is held in whichever axis order its producer made (see AxisOrder): convolutions
 *   and pools make NCHW, and elementwise ops, pads, concatenations, reductions and slices map
 *   their axes instead of transposing. A Transpose is inserted only where an op needs TFLite's own
 *   order (RESHAPE, graph outputs) or two operands differ.
 * - Weights: FLOAT16 constants behind DEQUANTIZE become float32 initializers.
 * - Outputs keep TFLite's values in TFLite's element order, shaped `[batch, ...]` with the unit
 *   axes between the batch and the last axis dropped (`[1,1,1,1434]` -> `[batch, 1434]`).
 */
export interface ConvertOptions {
  /**
   * Also output every operator's output tensor as `tensor:<index>` (TFLite's tensor index), in
   * TFLite's element order with the batch first: for op-by-op tests. Default false.
   */
  readonly exposeAll?: boolean;
}

export function tfliteToOnnx(model: Model, options: ConvertOptions = {}): Uint8Array {
  return new Conversion(model.subgraphs[0], options).run();
}

/** Name of the free batch dimension of every input and output. */
const BATCH = 'batch';

/** An activation's ONNX value; `batchDropped`: TFLite squeezed its batch axis away, ONNX keeps it first. */
interface Value {
  readonly name: string;
  readonly order: AxisOrder;
  readonly batchDropped: boolean;
}

class Conversion {
  private readonly b = new OnnxBuilder();
  private readonly values = new Map<number, Value>();
  /** Float constants decoded so far, DEQUANTIZE outputs among them. */
  private readonly constants = new Map<number, Float32Array>();
  /** ONNX names of constants laid out for an order, and of activations transposed to one. */
  private readonly laidOutConstants = new Map<string, string>();
  private readonly transposes = new Map<string, string>();
  private current: Operator | undefined;

  constructor(
    private readonly graph: Subgraph,
    private readonly options: ConvertOptions,
  ) {}

  run(): Uint8Array {
    const inputs = this.graph.inputs.map((t) => this.input(t));
    for (const t of this.graph.outputs) this.b.reserve(this.tensor(t).name);
    for (const op of this.graph.operators) {
      this.current = op;
      this.operator(op);
    }
    this.current = undefined;
    const outputs = this.graph.outputs.map((t) => this.output(t));
    if (this.options.exposeAll) {
      for (const op of this.graph.operators) for (const t of op.outputs) if (this.values.has(t)) outputs.push(this.expose(t));
    }
    return this.b.encode(inputs, outputs);
  }

  // ---- graph inputs and outputs ----

  private input(t: number): ValueInfo {
    const tensor = this.tensor(t);
    const shape = tensor.shape;
    if (tensor.type !== 'FLOAT32') this.fail(`input "${tensor.name}" is ${tensor.type}; only FLOAT32 inputs are supported`);
    if (shape[0] !== 1) this.fail(`input "${tensor.name}" has shape [${shape.join()}]; expected a batch of 1 first`);
    const order = shape.length === 4 ? NCHW : identityOrder(shape.length);
    const name = this.b.reserve(tensor.name);
    this.values.set(t, { name, order, batchDropped: false });
    return floatValueInfo(name, [BATCH, ...order.slice(1).map((axis) => shape[axis])]);
  }

  /** A graph output: TFLite's element order, `[batch, ...]` without the unit axes before the last. */
  private output(t: number): ValueInfo {
    const tensor = this.tensor(t);
    const value = this.values.get(t);
    if (value === undefined) this.fail(`output "${tensor.name}" is not computed by any operator`);
    const rest = value.batchDropped ? tensor.shape : tensor.shape.slice(1);
    const natural = rest.filter((d, i) => d !== 1 || i === rest.length - 1);
    this.laidOut(value, tensor.shape, natural, tensor.name);
    return floatValueInfo(tensor.name, [BATCH, ...natural]);
  }

  private expose(t: number): ValueInfo {
    const tensor = this.tensor(t);
    const value = this.values.get(t) as Value;
    const name = this.b.reserve(`tensor:${t}`);
    const dims = value.batchDropped ? tensor.shape : tensor.shape.slice(1);
    this.laidOut(value, tensor.shape, dims, name);
    return floatValueInfo(name, [BATCH, ...dims]);
  }

  /** Writes `value` as `name`: TFLite's element order, ONNX shape [batch, ...dims]. */
  private laidOut(value: Value, shape: readonly number[], dims: readonly number[], name: string): void {
    const x = this.inTfliteOrder(value, shape);
    // What x holds after the batch: TFLite's dims, or the value's own order when only unit axes moved.
    const held = value.batchDropped ? shape : x === value.name ? value.order.slice(1).map((axis) => shape[axis]) : shape.slice(1);
    if (held.length === dims.length && held.every((d, i) => d === dims[i])) this.b.node('Identity', [x], {}, name);
    else this.b.node('Reshape', [x, this.int64s('shape', [0, ...dims])], {}, name);
  }

  /** The value with TFLite's element order: transposed unless only unit axes are out of place. */
  private inTfliteOrder(value: Value, shape: readonly number[]): string {
    if (value.batchDropped) {
      if (!isIdentity(value.order)) this.fail('a tensor without its batch axis must be in TFLite order');
      return value.name;
    }
    return keepsMemoryOrder(shape, value.order) ? value.name : this.transposed(value, identityOrder(shape.length));
  }

  // ---- operators ----

  private operator(op: Operator): void {
    switch (op.op) {
      case 'DEQUANTIZE':
        return this.dequantize(op);
      case 'CONV_2D':
        return this.conv(op, op.options, 'regular');
      case 'DEPTHWISE_CONV_2D':
        return this.conv(op, op.options, 'depthwise');
      case 'MAX_POOL_2D':
        return this.maxPool(op, op.options);
      case 'ADD':
        return this.binary(op, 'Add', op.options.activation);
      case 'SUB':
        return this.binary(op, 'Sub', op.options.activation);
      case 'MUL':
        return this.binary(op, 'Mul', op.options.activation);
      case 'DIV':
        return this.binary(op, 'Div', op.options.activation);
      case 'SQUARED_DIFFERENCE':
        return this.binary(op, 'SquaredDifference', 'NONE');
      case 'RELU':
        return this.unary(op, (x, name) => this.b.node('Relu', [x], {}, name));
      case 'RELU6':
        return this.unary(op, (x, name) => this.clip(x, 0, 6, name));
      case 'LOGISTIC':
        return this.unary(op, (x, name) => this.b.node('Sigmoid', [x], {}, name));
      case 'TANH':
        return this.unary(op, (x, name) => this.b.node('Tanh', [x], {}, name));
      case 'NEG':
        return this.unary(op, (x, name) => this.b.node('Neg', [x], {}, name));
      case 'SQRT':
        return this.unary(op, (x, name) => this.b.node('Sqrt', [x], {}, name));
      case 'RSQRT':
        return this.unary(op, (x, name) => this.b.node('Reciprocal', [this.b.node('Sqrt', [x])], {}, name));
      case 'PRELU':
        return this.prelu(op);
      case 'PAD':
        return this.pad(op);
      case 'RESHAPE':
        return this.reshape(op, op.options.newShape);
      case 'CONCATENATION':
        return this.concatenation(op, op.options.axis, op.options.activation);
      case 'MEAN':
        return this.reduce(op, 'ReduceMean', op.options.keepDims);
      case 'SUM':
        return this.reduce(op, 'ReduceSum', op.options.keepDims);
      case 'TRANSPOSE':
        return this.transpose(op);
      case 'STRIDED_SLICE':
        return this.stridedSlice(op, op.options);
      case 'OTHER':
        return this.fail('this operator has no ONNX translation here');
    }
  }

  /** Folds DEQUANTIZE of a float16 constant into a float32 constant. */
  private dequantize(op: Operator): void {
    const input = this.tensor(op.inputs[0]);
    if (input.data === undefined) this.fail(`input "${input.name}" is not a constant; only constant weights can be dequantized`);
    if (input.quantized || (input.type !== 'FLOAT16' && input.type !== 'FLOAT32')) this.fail(`input "${input.name}" is ${input.quantized ? 'affine-quantized ' : ''}${input.type}; only float16 weights are supported`);
    this.constants.set(op.outputs[0], this.floatConstant(op.inputs[0]));
  }

  private conv(op: Operator, options: ConvOptions, kind: 'regular' | 'depthwise'): void {
    const [x, w] = op.inputs;
    const bias = op.inputs[2] as number | undefined;
    const input = this.tensor(x).shape;
    const filter = this.tensor(w).shape;
    if (input.length !== 4 || filter.length !== 4) this.fail(`expects 4-D input and filter, got [${input.join()}] and [${filter.join()}]`);
    const [, kh, kw] = filter;
    const channels = input[3];
    let weights: { values: Float32Array; shape: number[] };
    let groups: number;
    if (kind === 'depthwise') {
      // TFLite [1, kh, kw, C * m] -> ONNX [C * m, 1, kh, kw]; output channel c * m + k reads input c.
      if (filter[0] !== 1 || filter[3] % channels !== 0) this.fail(`depthwise filter [${filter.join()}] does not fit ${channels} input channels`);
      weights = permuteArray(this.floatConstant(w), filter, [3, 0, 1, 2]);
      groups = channels;
    } else {
      // TFLite [O, kh, kw, I] -> ONNX [O, I, kh, kw].
      if (filter[3] !== channels) this.fail(`filter [${filter.join()}] does not fit ${channels} input channels`);
      weights = permuteArray(this.floatConstant(w), filter, [0, 3, 1, 2]);
      groups = 1;
    }
    const [top, bottom, outH] = window(options.padding, input[1], kh, options.strideH, options.dilationH);
    const [left, right, outW] = window(options.padding, input[2], kw, options.strideW, options.dilationW);
    this.expectShape(op.outputs[0], [1, outH, outW, weights.shape[0]]);
    const operands = [this.inOrder(x, NCHW), this.b.floats(`${this.tensor(w).name}/onnx`, weights.shape, weights.values)];
    if (bias !== undefined && bias >= 0) operands.push(this.b.floats(this.tensor(bias).name, [weights.shape[0]], this.floatConstant(bias)));
    const attributes = {
      group: groups,
      kernel_shape: [kh, kw],
      strides: [options.strideH, options.strideW],
      dilations: [options.dilationH, options.dilationW],
      pads: [top, left, bottom, right],
    };
    this.emit(op, NCHW, options.activation, (name) => this.b.node('Conv', operands, attributes, name));
  }

  /** TFLite's max pool ignores padding cells, as ONNX MaxPool does. */
  private maxPool(op: Operator, options: PoolOptions): void {
    const input = this.tensor(op.inputs[0]).shape;
    if (input.length !== 4) this.fail(`expects a 4-D input, got [${input.join()}]`);
    const [top, bottom, outH] = window(options.padding, input[1], options.filterH, options.strideH, 1);
    const [left, right, outW] = window(options.padding, input[2], options.filterW, options.strideW, 1);
    this.expectShape(op.outputs[0], [1, outH, outW, input[3]]);
    const attributes = { kernel_shape: [options.filterH, options.filterW], strides: [options.strideH, options.strideW], pads: [top, left, bottom, right] };
    const x = this.inOrder(op.inputs[0], NCHW);
    this.emit(op, NCHW, options.activation, (name) => this.b.node('MaxPool', [x], attributes, name));
  }

  /** Elementwise with numpy broadcasting: constants are laid out like the activation they meet. */
  private binary(op: Operator, opType: 'Add' | 'Sub' | 'Mul' | 'Div' | 'SquaredDifference', activation: Activation): void {
    const { order, operands } = this.alignOperands(op.inputs.slice(0, 2));
    this.emit(op, order, activation, (name) => {
      if (opType !== 'SquaredDifference') return this.b.node(opType, operands, {}, name);
      const difference = this.b.node('Sub', operands);
      return this.b.node('Mul', [difference, difference], {}, name);
    });
  }

  /**
   * PRELU as max(x, 0) + slope * min(x, 0): the same values, bit for bit, but ONNX Runtime's CPU
   * PRelu kernel broadcasts the per-channel slope slowly and leaves its blocked layout around each
   * one: in the landmark graph its 69 PRelus took 59% of the time; written this way the graph runs
   * in half the time (docs/models.md).
   */
  private prelu(op: Operator): void {
    const { order, operands } = this.alignOperands(op.inputs.slice(0, 2));
    if (this.isConstant(op.inputs[0])) this.fail('PRELU of a constant input');
    const [x, slope] = operands;
    const zero = this.b.floats('zero', [], Float32Array.of(0));
    this.emit(op, order, 'NONE', (name) => this.b.node('Add', [this.b.node('Max', [x, zero]), this.b.node('Mul', [this.b.node('Min', [x, zero]), slope])], {}, name));
  }

  private unary(op: Operator, build: (x: string, name: string) => string): void {
    const value = this.activation(op.inputs[0]);
    this.emit(op, value.order, 'NONE', (name) => build(value.name, name));
  }

  private pad(op: Operator): void {
    const [x, p] = op.inputs;
    const rank = this.tensor(x).shape.length;
    const paddings = this.intConstant(p);
    if (paddings.length !== 2 * rank) this.fail(`paddings hold ${paddings.length} values for a rank-${rank} input`);
    if (paddings[0] !== 0 || paddings[1] !== 0) this.fail('PAD along the batch axis would mix a batch');
    if (op.inputs.length > 2 && op.inputs[2] >= 0) this.fail('PAD with a constant value input (PADV2 form) is not supported');
    const value = this.activation(x);
    // ONNX pads: all begins (in the value's axis order), then all ends.
    const pads = [...value.order.map((axis) => paddings[2 * axis]), ...value.order.map((axis) => paddings[2 * axis + 1])];
    this.expectShape(op.outputs[0], this.tensor(x).shape.map((d, axis) => d + paddings[2 * axis] + paddings[2 * axis + 1]));
    this.emit(op, value.order, 'NONE', (name) => this.b.node('Pad', [value.name, this.int64s('pads', pads)], {}, name));
  }

  private reshape(op: Operator, newShape: readonly number[] | undefined): void {
    const x = op.inputs[0];
    const s = op.inputs[1] as number | undefined;
    const input = this.tensor(x).shape;
    const requested = s !== undefined && s >= 0 ? [...this.intConstant(s)] : newShape ?? this.tensor(op.outputs[0]).shape;
    const size = input.reduce((a, d) => a * d, 1);
    const known = requested.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const shape = requested.map((d) => (d === -1 ? size / known : d));
    if (requested.filter((d) => d === -1).length > 1 || shape.reduce((a, d) => a * d, 1) !== size) this.fail(`cannot reshape [${input.join()}] to [${requested.join()}]`);
    this.expectShape(op.outputs[0], shape);
    if (input[0] !== 1 || shape[0] !== 1) this.fail(`RESHAPE [${input.join()}] -> [${shape.join()}] moves the batch axis`);
    const value = this.activation(x);
    const ordered = this.inTfliteOrder(value, input);
    // 0 copies the input's first dimension: the run-time batch.
    const target = this.int64s('shape', [0, ...shape.slice(1)]);
    this.emit(op, identityOrder(shape.length), 'NONE', (name) => this.b.node('Reshape', [ordered, target], {}, name));
  }

  private concatenation(op: Operator, axisOption: number, activation: Activation): void {
    const rank = this.tensor(op.outputs[0]).shape.length;
    const axis = axisOption < 0 ? axisOption + rank : axisOption;
    if (axis <= 0 || axis >= rank) this.fail(`axis ${axisOption} is the batch axis or out of range`);
    const reference = op.inputs.find((t) => !this.isConstant(t));
    if (reference === undefined) this.fail('all inputs are constants');
    const order = this.activation(reference).order;
    const operands = op.inputs.map((t) => (this.isConstant(t) ? this.batchedConstant(t, order, reference) : this.inOrder(t, order)));
    const shapes = op.inputs.map((t) => this.tensor(t).shape);
    this.expectShape(op.outputs[0], shapes[0].map((d, i) => (i === axis ? shapes.reduce((sum, s) => sum + s[axis], 0) : d)));
    this.emit(op, order, activation, (name) => this.b.node('Concat', operands, { axis: order.indexOf(axis) }, name));
  }

  private reduce(op: Operator, opType: 'ReduceMean' | 'ReduceSum', keepDims: boolean): void {
    const [x, a] = op.inputs;
    const input = this.tensor(x).shape;
    const axes = [...new Set([...this.intConstant(a)].map((axis) => (axis < 0 ? axis + input.length : axis)))].sort((p, q) => p - q);
    if (axes.some((axis) => axis <= 0 || axis >= input.length)) this.fail(`axes [${axes.join()}] include the batch axis or lie out of range`);
    const value = this.activation(x);
    const onnxAxes = axes.map((axis) => value.order.indexOf(axis)).sort((p, q) => p - q);
    const kept = input.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
    this.expectShape(op.outputs[0], keepDims ? input.map((d, axis) => (axes.includes(axis) ? 1 : d)) : kept.map((axis) => input[axis]));
    // Without keep_dims the kept axes stay in the value's order, renumbered among themselves.
    const order = keepDims ? value.order : value.order.filter((axis) => kept.includes(axis)).map((axis) => kept.indexOf(axis));
    this.emit(op, order, 'NONE', (name) =>
      opType === 'ReduceMean'
        ? this.b.node(opType, [value.name], { axes: onnxAxes, keepdims: keepDims ? 1 : 0 }, name)
        : this.b.node(opType, [value.name, this.int64s('axes', onnxAxes)], { keepdims: keepDims ? 1 : 0 }, name),
    );
  }

  private transpose(op: Operator): void {
    const [x, p] = op.inputs;
    const perm = [...this.intConstant(p)];
    const input = this.tensor(x).shape;
    if (perm.length !== input.length || [...perm].sort((m, n) => m - n).some((axis, i) => axis !== i)) this.fail(`perm [${perm.join()}] is not a permutation of ${input.length} axes`);
    if (perm[0] !== 0) this.fail(`perm [${perm.join()}] moves the batch axis`);
    this.expectShape(op.outputs[0], perm.map((axis) => input[axis]));
    const value = this.activation(x);
    // Output TFLite axis j is input axis perm[j]; hold a 4-D result NCHW, ready for a convolution.
    const order = input.length === 4 ? NCHW : identityOrder(input.length);
    const onnxPerm = order.map((j) => value.order.indexOf(perm[j]));
    if (isIdentity(onnxPerm)) return this.alias(op, value.name, order);
    this.emit(op, order, 'NONE', (name) => this.b.node('Transpose', [value.name], { perm: onnxPerm }, name));
  }

  /** TFLite strided_slice_logic.h: masks, negative indices and clamping resolved at conversion. */
  private stridedSlice(op: Operator, options: StridedSliceOptions): void {
    const [x, b, e, s] = op.inputs;
    const input = this.tensor(x).shape;
    const rank = input.length;
    if (options.ellipsisMask !== 0 || options.newAxisMask !== 0 || options.offset) this.fail('ellipsis, new-axis and offset slices are not supported');
    const begin = this.intConstant(b), end = this.intConstant(e), strides = this.intConstant(s);
    if (begin.length !== rank || end.length !== rank || strides.length !== rank) this.fail(`begin/end/strides must have ${rank} values`);
    const slices = sliceBounds(input, begin, end, strides, options);
    if (slices === undefined) this.fail('a stride is 0');
    const shrunk = slices.map((slice) => slice.shrink);
    this.expectShape(op.outputs[0], slices.filter((slice) => !slice.shrink).map((slice) => slice.length));
    const batch = slices[0];
    if (batch.start !== 0 || batch.length !== 1) this.fail('STRIDED_SLICE along the batch axis would mix a batch');
    const value = this.activation(x);
    const starts: number[] = [], ends: number[] = [], axes: number[] = [], steps: number[] = [];
    value.order.forEach((axis, i) => {
      const slice = slices[axis];
      if (axis === 0 || (slice.start === 0 && slice.stride === 1 && slice.length === input[axis])) return;
      starts.push(slice.start);
      // A negative stride that runs past index 0 needs an end before the first element.
      ends.push(slice.end < 0 ? -input[axis] - 1 : slice.end);
      axes.push(i);
      steps.push(slice.stride);
    });
    const squeezed = value.order.map((axis, i) => (axis !== 0 && shrunk[axis] ? i : -1)).filter((i) => i >= 0);
    // Kept TFLite axes renumbered among themselves; a shrunk batch axis stays in ONNX as batchDropped.
    const kept = value.order.filter((axis) => !shrunk[axis]);
    const ascending = [...kept].sort((m, n) => m - n);
    const order = kept.map((axis) => ascending.indexOf(axis));
    const batchDropped = shrunk[0];
    if (batchDropped && !isIdentity(value.order)) this.fail('dropping the batch axis of a transposed tensor is not supported');
    const finalOrder = batchDropped ? identityOrder(rank - squeezed.length - 1) : order;
    if (axes.length === 0 && squeezed.length === 0) return this.alias(op, value.name, finalOrder, batchDropped);
    this.emit(op, finalOrder, 'NONE', (name) => {
      const sliced =
        axes.length === 0
          ? value.name
          : this.b.node('Slice', [value.name, this.int64s('starts', starts), this.int64s('ends', ends), this.int64s('axes', axes), this.int64s('steps', steps)], {}, squeezed.length === 0 ? name : undefined);
      return squeezed.length === 0 ? sliced : this.b.node('Squeeze', [sliced, this.int64s('axes', squeezed)], {}, name);
    }, batchDropped);
  }

  // ---- helpers ----

  /** Adds the op's main node under the output tensor's name, then its fused activation if any. */
  private emit(op: Operator, order: AxisOrder, activation: Activation, build: (name: string) => string, batchDropped = false): void {
    const out = op.outputs[0];
    const base = this.tensor(out).name;
    let name: string;
    if (activation === 'NONE') name = build(this.b.fresh(base));
    else {
      const linear = build(this.b.fresh(`${base}/linear`));
      const final = this.b.fresh(base);
      if (activation === 'RELU') name = this.b.node('Relu', [linear], {}, final);
      else if (activation === 'RELU6') name = this.clip(linear, 0, 6, final);
      else if (activation === 'RELU_N1_TO_1') name = this.clip(linear, -1, 1, final);
      else if (activation === 'TANH') name = this.b.node('Tanh', [linear], {}, final);
      else this.fail(`fused activation ${activation} has no ONNX counterpart`);
    }
    this.values.set(out, { name, order, batchDropped });
  }

  private alias(op: Operator, name: string, order: AxisOrder, batchDropped = false): void {
    this.values.set(op.outputs[0], { name, order, batchDropped });
  }

  private clip(x: string, min: number, max: number, name: string): string {
    return this.b.node('Clip', [x, this.b.floats('clip_min', [], Float32Array.of(min)), this.b.floats('clip_max', [], Float32Array.of(max))], {}, name);
  }

  /** Operands of a broadcasting op, in the axis order of the first activation among them. */
  private alignOperands(inputs: readonly number[]): { order: AxisOrder; operands: string[] } {
    const reference = inputs.find((t) => !this.isConstant(t));
    if (reference === undefined) this.fail('all inputs are constants');
    const order = this.activation(reference).order;
    const rank = this.tensor(reference).shape.length;
    const operands = inputs.map((t) => {
      if (this.isConstant(t)) return this.constantIn(t, order);
      if (this.tensor(t).shape.length !== rank) this.fail(`operands "${this.tensor(reference).name}" and "${this.tensor(t).name}" differ in rank`);
      return this.inOrder(t, order);
    });
    return { order, operands };
  }

  /** A float constant broadcast against a tensor held in `order`: padded to its rank, then permuted. */
  private constantIn(t: number, order: AxisOrder): string {
    const key = `${t}@${order.join(',')}`;
    const cached = this.laidOutConstants.get(key);
    if (cached !== undefined) return cached;
    const { values, shape } = this.alignedConstant(t, order);
    const name = this.b.floats(this.tensor(t).name, shape, values);
    this.laidOutConstants.set(key, name);
    return name;
  }

  private alignedConstant(t: number, order: AxisOrder): { values: Float32Array; shape: number[] } {
    const shape = this.tensor(t).shape;
    if (shape.length > order.length) this.fail(`constant "${this.tensor(t).name}" [${shape.join()}] has more axes than the tensor it meets`);
    const padded = [...new Array<number>(order.length - shape.length).fill(1), ...shape];
    if (padded[0] !== 1) this.fail(`constant "${this.tensor(t).name}" [${shape.join()}] spans the batch axis`);
    return permuteArray(this.floatConstant(t), padded, order);
  }

  /** A constant concatenated with activations: expanded to the run-time batch of `reference`. */
  private batchedConstant(t: number, order: AxisOrder, reference: number): string {
    if (this.tensor(t).shape.length !== order.length) this.fail(`constant "${this.tensor(t).name}" differs in rank from the tensors it joins`);
    const { values, shape } = this.alignedConstant(t, order);
    const constant = this.b.floats(this.tensor(t).name, shape, values);
    const batch = this.b.node('Slice', [this.b.node('Shape', [this.activation(reference).name]), this.int64s('starts', [0]), this.int64s('ends', [1])]);
    const target = this.b.node('Concat', [batch, this.int64s('dims', shape.slice(1))], { axis: 0 });
    return this.b.node('Expand', [constant, target]);
  }

  private activation(t: number): Value {
    const value = this.values.get(t);
    if (value === undefined) {
      const tensor = this.tensor(t);
      if (this.isConstant(t)) this.fail(`input "${tensor.name}" is a constant where an activation is expected`);
      this.fail(`input "${tensor.name}" is read before any operator writes it`);
    }
    if (value.batchDropped) this.fail(`input "${this.tensor(t).name}" lost its batch axis to an earlier slice`);
    return value;
  }

  /** The activation `t` held in `order`, transposing it once if it is held otherwise. */
  private inOrder(t: number, order: AxisOrder): string {
    const value = this.activation(t);
    if (value.order.length !== order.length) this.fail(`input "${this.tensor(t).name}" has rank ${value.order.length}, expected ${order.length}`);
    return sameOrder(value.order, order) ? value.name : this.transposed(value, order);
  }

  private transposed(value: Value, order: AxisOrder): string {
    const key = `${value.name}@${order.join(',')}`;
    let name = this.transposes.get(key);
    if (name === undefined) {
      name = this.b.node('Transpose', [value.name], { perm: transposePerm(value.order, order) }, this.b.fresh(`${value.name}/transposed`));
      this.transposes.set(key, name);
    }
    return name;
  }

  private isConstant(t: number): boolean {
    return this.constants.has(t) || this.tensor(t).data !== undefined;
  }

  private floatConstant(t: number): Float32Array {
    const known = this.constants.get(t);
    if (known !== undefined) return known;
    const tensor = this.tensor(t);
    if (tensor.type !== 'FLOAT32' && tensor.type !== 'FLOAT16') this.fail(`constant "${tensor.name}" is ${tensor.type}, expected a float`);
    const data = this.constantData(tensor);
    const values = tensor.type === 'FLOAT32' ? new Float32Array(ownBuffer(data)) : decodeFloat16(data);
    this.constants.set(t, values);
    return values;
  }

  private intConstant(t: number | undefined): Int32Array {
    if (t === undefined || t < 0) this.fail('a required constant input is missing');
    const tensor = this.tensor(t);
    if (tensor.type !== 'INT32') this.fail(`constant "${tensor.name}" is ${tensor.type}, expected INT32`);
    return new Int32Array(ownBuffer(this.constantData(tensor)));
  }

  /** A constant's bytes, checked against its shape and type. */
  private constantData(tensor: Tensor): Uint8Array {
    if (tensor.data === undefined) this.fail(`input "${tensor.name}" must be a constant`);
    if (tensor.quantized) this.fail(`constant "${tensor.name}" is quantized`);
    const width = ELEMENT_BYTES[tensor.type];
    const count = tensor.shape.reduce((a, d) => a * d, 1);
    if (width === undefined || tensor.data.length !== count * width) this.fail(`constant "${tensor.name}" holds ${tensor.data.length} bytes, not ${count} ${tensor.type} values`);
    return tensor.data;
  }

  private int64s(base: string, values: readonly number[]): string {
    return this.b.int64s(base, values);
  }

  private expectShape(t: number, shape: readonly number[]): void {
    const recorded = this.tensor(t).shape;
    if (recorded.length !== shape.length || recorded.some((d, i) => d !== shape[i])) {
      this.fail(`computes shape [${shape.join()}] but the model records [${recorded.join()}] for "${this.tensor(t).name}"`);
    }
  }

  private tensor(t: number | undefined): Tensor {
    const tensor = t === undefined ? undefined : this.graph.tensors[t];
    if (tensor === undefined) this.fail(t === undefined ? 'an input it needs is missing' : `refers to tensor ${t}, which does not exist`);
    return tensor;
  }

  /** Throws one line naming the operator and the tensor it writes. */
  private fail(reason: string): never {
    const op = this.current;
    if (op === undefined) throw new TfliteConversionError(reason);
    const out = this.graph.tensors[op.outputs[0]]?.name ?? `tensor ${op.outputs[0]}`;
    const name = op.op === 'OTHER' ? op.name : op.op;
    throw new TfliteConversionError(`${name} (operator ${op.index}, output "${out}"): ${reason}`);
  }
}

const ELEMENT_BYTES: Partial<Record<string, number>> = { FLOAT32: 4, FLOAT16: 2, INT32: 4 };

/**
 * TFLite's output size and padding for one spatial axis (kernels/padding.h): SAME gives
 * ceil(in / stride) outputs and puts the odd padding cell at the end (bottom or right).
 */
function window(padding: Padding, size: number, kernel: number, stride: number, dilation: number): [before: number, after: number, out: number] {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'VALID') return [0, 0, Math.floor((size - effective) / stride) + 1];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

interface Slice {
  readonly start: number;
  /** Exclusive end; -1 when a negative stride runs through index 0. */
  readonly end: number;
  readonly stride: number;
  readonly length: number;
  readonly shrink: boolean;
}

function sliceBounds(shape: readonly number[], begin: Int32Array, end: Int32Array, strides: Int32Array, o: StridedSliceOptions): Slice[] | undefined {
  if (strides.some((s) => s === 0)) return undefined;
  return shape.map((dim, axis) => {
    const bit = 1 << axis;
    const stride = strides[axis];
    const clamp = (i: number): number => (stride > 0 ? Math.min(Math.max(i, 0), dim) : Math.min(Math.max(i, -1), dim - 1));
    const resolve = (i: number): number => clamp(i < 0 ? i + dim : i);
    const start = o.beginMask & bit ? (stride > 0 ? 0 : dim - 1) : resolve(begin[axis]);
    const shrink = (o.shrinkAxisMask & bit) !== 0;
    const stop = shrink ? start + 1 : o.endMask & bit ? (stride > 0 ? dim : -1) : resolve(end[axis]);
    const step = shrink ? 1 : stride;
    const length = Math.max(0, Math.ceil((stop - start) / step));
    return { start, end: stop, stride: step, length, shrink };
  });
}

/**
 * The bytes copied into an ArrayBuffer of their own, aligned for typed-array views. Not `slice()`:
 * on a Node Buffer (what readFile gives) it returns a view of the whole file's memory.
 */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}
