import type { Activation, Operator, Padding, Subgraph, Tensor } from '../../../src/model-build/tflite/tflite-format.js';

/**
 * A plain NHWC interpreter of a TFLite subgraph, written from TFLite's reference kernels' documented
 * semantics (tensorflow/lite/kernels/internal/reference/*, padding.h, strided_slice_logic.h) with
 * naive loops, to check the ONNX conversion op by op. It shares nothing with the converter but the
 * flatbuffer reader's parsed model, and it recomputes every output shape and checks it against the
 * shape the model records, which also checks how the reader decoded strides, padding and filters.
 */
export interface Evaluated {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export class ReferenceError extends Error {
  override name = 'ReferenceError';
}

/** Runs the subgraph on `inputs` (NHWC, batch 1); returns every tensor computed, by tensor index. */
export function interpret(graph: Subgraph, inputs: readonly Float32Array[]): Map<number, Evaluated> {
  const values = new Map<number, Evaluated>();
  graph.inputs.forEach((t, i) => values.set(t, { shape: graph.tensors[t].shape, data: inputs[i] }));
  const get = (t: number): Evaluated => {
    const v = values.get(t) ?? constant(graph.tensors[t]);
    if (v === undefined) throw new ReferenceError(`tensor ${t} "${graph.tensors[t].name}" has no value`);
    return v;
  };
  for (const op of graph.operators) {
    const out = run(op, get, graph);
    const recorded = graph.tensors[op.outputs[0]].shape;
    if (recorded.join() !== out.shape.join()) throw new ReferenceError(`operator ${op.index} ${op.op}: computed [${out.shape.join()}], model records [${recorded.join()}]`);
    values.set(op.outputs[0], out);
  }
  return values;
}

function run(op: Operator, get: (t: number) => Evaluated, graph: Subgraph): Evaluated {
  const input = (k: number): Evaluated => get(op.inputs[k]);
  const ints = (k: number): number[] => [...intData(graph.tensors[op.inputs[k]])];
  switch (op.op) {
    case 'DEQUANTIZE':
      return input(0);
    case 'CONV_2D':
      return activate(conv(input(0), input(1), op.inputs[2] >= 0 ? input(2) : undefined, op.options, 1), op.options.activation);
    case 'DEPTHWISE_CONV_2D':
      return activate(conv(input(0), input(1), op.inputs[2] >= 0 ? input(2) : undefined, op.options, 'depthwise'), op.options.activation);
    case 'MAX_POOL_2D':
      return activate(maxPool(input(0), op.options), op.options.activation);
    case 'ADD':
      return activate(broadcast(input(0), input(1), (a, b) => a + b), op.options.activation);
    case 'SUB':
      return activate(broadcast(input(0), input(1), (a, b) => a - b), op.options.activation);
    case 'MUL':
      return activate(broadcast(input(0), input(1), (a, b) => a * b), op.options.activation);
    case 'DIV':
      return activate(broadcast(input(0), input(1), (a, b) => a / b), op.options.activation);
    case 'SQUARED_DIFFERENCE':
      return broadcast(input(0), input(1), (a, b) => (a - b) * (a - b));
    case 'PRELU':
      return broadcast(input(0), input(1), (x, alpha) => (x >= 0 ? x : alpha * x));
    case 'RELU':
      return map(input(0), (x) => Math.max(0, x));
    case 'RELU6':
      return map(input(0), (x) => Math.min(6, Math.max(0, x)));
    case 'LOGISTIC':
      return map(input(0), (x) => 1 / (1 + Math.exp(-x)));
    case 'TANH':
      return map(input(0), Math.tanh);
    case 'NEG':
      return map(input(0), (x) => -x);
    case 'SQRT':
      return map(input(0), Math.sqrt);
    case 'RSQRT':
      return map(input(0), (x) => 1 / Math.sqrt(x));
    case 'PAD':
      return pad(input(0), ints(1));
    case 'RESHAPE':
      return reshape(input(0), op.inputs.length > 1 ? ints(1) : [...(op.options.newShape ?? [])]);
    case 'CONCATENATION':
      return activate(concatenate(op.inputs.map((_, k) => input(k)), op.options.axis), op.options.activation);
    case 'MEAN':
      return reduce(input(0), ints(1), op.options.keepDims, true);
    case 'SUM':
      return reduce(input(0), ints(1), op.options.keepDims, false);
    case 'TRANSPOSE':
      return transpose(input(0), ints(1));
    case 'STRIDED_SLICE':
      return stridedSlice(input(0), ints(1), ints(2), ints(3), op.options);
    default:
      throw new ReferenceError(`operator ${op.index}: ${op.op === 'OTHER' ? op.name : op.op} is not in the reference interpreter`);
  }
}

// ---- constants ----

function constant(tensor: Tensor): Evaluated | undefined {
  const bytes = tensor.data;
  if (bytes === undefined) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (tensor.type === 'FLOAT32') return { shape: tensor.shape, data: Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true)) };
  if (tensor.type === 'FLOAT16') return { shape: tensor.shape, data: Float32Array.from({ length: bytes.length / 2 }, (_, i) => half(view.getUint16(2 * i, true))) };
  if (tensor.type === 'INT32') return { shape: tensor.shape, data: Float32Array.from(intData(tensor)) };
  throw new ReferenceError(`constant "${tensor.name}" of type ${tensor.type}`);
}

function intData(tensor: Tensor): Int32Array {
  const bytes = tensor.data;
  if (bytes === undefined || tensor.type !== 'INT32') throw new ReferenceError(`"${tensor.name}" is not an INT32 constant`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(4 * i, true));
}

/** binary16: sign, 5-bit exponent biased by 15, 10-bit mantissa with an implicit 1 unless subnormal. */
function half(h: number): number {
  const sign = h >> 15 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return m ? NaN : sign * Infinity;
  return e === 0 ? sign * 2 ** -14 * (m / 1024) : sign * 2 ** (e - 15) * (1 + m / 1024);
}

// ---- shape helpers ----

const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

const stridesOf = (shape: readonly number[]): number[] => shape.map((_, i) => size(shape.slice(i + 1)));

/** Multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

function map(x: Evaluated, f: (v: number) => number): Evaluated {
  return { shape: x.shape, data: x.data.map(f) };
}

function activate(x: Evaluated, activation: Activation): Evaluated {
  switch (activation) {
    case 'NONE':
      return x;
    case 'RELU':
      return map(x, (v) => Math.max(0, v));
    case 'RELU6':
      return map(x, (v) => Math.min(6, Math.max(0, v)));
    case 'RELU_N1_TO_1':
      return map(x, (v) => Math.min(1, Math.max(-1, v)));
    case 'TANH':
      return map(x, Math.tanh);
    default:
      throw new ReferenceError(`activation ${activation}`);
  }
}

// ---- kernels ----

/** padding.h: SAME outputs ceil(in / stride) and pads total / 2 before, the rest after. */
function padding(kind: Padding, inSize: number, filter: number, stride: number, dilation: number): { out: number; before: number } {
  const effective = (filter - 1) * dilation + 1;
  const out = kind === 'SAME' ? Math.trunc((inSize + stride - 1) / stride) : Math.trunc((inSize + stride - effective) / stride);
  const total = Math.max(0, (out - 1) * stride + effective - inSize);
  return { out, before: Math.trunc(total / 2) };
}

interface Geometry {
  readonly padding: Padding;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** conv.h / depthwise_conv.h: filter [O, kh, kw, I] or [1, kh, kw, C * m]. */
function conv(x: Evaluated, w: Evaluated, bias: Evaluated | undefined, g: Geometry, kind: 1 | 'depthwise'): Evaluated {
  const [batches, inH, inW, inC] = x.shape;
  const [wO, kh, kw, wI] = w.shape;
  const outC = kind === 'depthwise' ? wI : wO;
  const multiplier = kind === 'depthwise' ? wI / inC : 0;
  const rows = padding(g.padding, inH, kh, g.strideH, g.dilationH);
  const cols = padding(g.padding, inW, kw, g.strideW, g.dilationW);
  const out = new Float32Array(batches * rows.out * cols.out * outC);
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < rows.out; oy++) {
      for (let ox = 0; ox < cols.out; ox++) {
        for (let oc = 0; oc < outC; oc++) {
          let sum = bias ? bias.data[oc] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * g.strideH - rows.before + ky * g.dilationH;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * g.strideW - cols.before + kx * g.dilationW;
              if (ix < 0 || ix >= inW) continue;
              const pixel = ((n * inH + iy) * inW + ix) * inC;
              if (kind === 'depthwise') {
                sum += x.data[pixel + Math.floor(oc / multiplier)] * w.data[(ky * kw + kx) * wI + oc];
              } else {
                const filter = ((oc * kh + ky) * kw + kx) * wI;
                for (let ic = 0; ic < inC; ic++) sum += x.data[pixel + ic] * w.data[filter + ic];
              }
            }
          }
          out[((n * rows.out + oy) * cols.out + ox) * outC + oc] = sum;
        }
      }
    }
  }
  return { shape: [batches, rows.out, cols.out, outC], data: out };
}

/** pooling.h: the maximum over the window's cells inside the input (padding cells never win). */
function maxPool(x: Evaluated, o: { padding: Padding; strideH: number; strideW: number; filterH: number; filterW: number }): Evaluated {
  const [batches, inH, inW, c] = x.shape;
  const rows = padding(o.padding, inH, o.filterH, o.strideH, 1);
  const cols = padding(o.padding, inW, o.filterW, o.strideW, 1);
  const out = new Float32Array(batches * rows.out * cols.out * c);
  for (let n = 0; n < batches; n++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          for (let ky = 0; ky < o.filterH; ky++)
            for (let kx = 0; kx < o.filterW; kx++) {
              const iy = oy * o.strideH - rows.before + ky, ix = ox * o.strideW - cols.before + kx;
              if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) best = Math.max(best, x.data[((n * inH + iy) * inW + ix) * c + ch]);
            }
          out[((n * rows.out + oy) * cols.out + ox) * c + ch] = best;
        }
  return { shape: [batches, rows.out, cols.out, c], data: out };
}

/** NumPy broadcasting: shapes aligned at the right, a dimension of 1 repeats. */
function broadcast(a: Evaluated, b: Evaluated, f: (x: number, y: number) => number): Evaluated {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array<number>(rank - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array<number>(rank - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new ReferenceError(`cannot broadcast [${a.shape.join()}] with [${b.shape.join()}]`);
    return Math.max(d, pb[i]);
  });
  const sa = stridesOf(pa), sb = stridesOf(pb);
  const out = new Float32Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const index = unravel(i, shape);
    let ia = 0, ib = 0;
    for (let k = 0; k < rank; k++) {
      if (pa[k] !== 1) ia += index[k] * sa[k];
      if (pb[k] !== 1) ib += index[k] * sb[k];
    }
    out[i] = f(a.data[ia], b.data[ib]);
  }
  return { shape, data: out };
}

/** pad.h: zeros before and after each axis, paddings given as [rank][2]. */
function pad(x: Evaluated, paddings: number[]): Evaluated {
  const shape = x.shape.map((d, i) => paddings[2 * i] + d + paddings[2 * i + 1]);
  const out = new Float32Array(size(shape));
  const so = stridesOf(shape);
  for (let i = 0; i < x.data.length; i++) {
    const index = unravel(i, x.shape);
    out[index.reduce((at, v, k) => at + (v + paddings[2 * k]) * so[k], 0)] = x.data[i];
  }
  return { shape, data: out };
}

/** reshape.cc: the same elements under a new shape; one -1 takes what is left. */
function reshape(x: Evaluated, requested: number[]): Evaluated {
  const known = requested.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  return { shape: requested.map((d) => (d === -1 ? x.data.length / known : d)), data: x.data };
}

function concatenate(parts: Evaluated[], axisOption: number): Evaluated {
  const rank = parts[0].shape.length;
  const axis = axisOption < 0 ? axisOption + rank : axisOption;
  const shape = parts[0].shape.map((d, i) => (i === axis ? parts.reduce((s, p) => s + p.shape[axis], 0) : d));
  const outer = size(shape.slice(0, axis));
  const out = new Float32Array(size(shape));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = size(p.shape.slice(axis));
      out.set(p.data.subarray(o * chunk, (o + 1) * chunk), at);
      at += chunk;
    }
  }
  return { shape, data: out };
}

/** reduce.h: MEAN or SUM over `axes` (negative counts from the end). */
function reduce(x: Evaluated, axesIn: number[], keepDims: boolean, mean: boolean): Evaluated {
  const rank = x.shape.length;
  const axes = new Set(axesIn.map((a) => (a < 0 ? a + rank : a)));
  const kept = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const out = new Float32Array(size(kept));
  const sk = stridesOf(kept);
  for (let i = 0; i < x.data.length; i++) {
    const index = unravel(i, x.shape);
    out[index.reduce((at, v, k) => at + (axes.has(k) ? 0 : v * sk[k]), 0)] += x.data[i];
  }
  const count = x.data.length / out.length;
  if (mean) for (let i = 0; i < out.length; i++) out[i] /= count;
  return { shape: keepDims ? kept : x.shape.filter((_, i) => !axes.has(i)), data: out };
}

/** transpose.h: output axis i is input axis perm[i]. */
function transpose(x: Evaluated, perm: number[]): Evaluated {
  const shape = perm.map((p) => x.shape[p]);
  const si = stridesOf(x.shape);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const index = unravel(i, shape);
    out[i] = x.data[index.reduce((at, v, k) => at + v * si[perm[k]], 0)];
  }
  return { shape, data: out };
}

/** strided_slice_logic.h: StartForAxis / EndForAxis with masks, negative indices and clamping. */
function stridedSlice(
  x: Evaluated,
  begin: number[],
  end: number[],
  strides: number[],
  o: { beginMask: number; endMask: number; shrinkAxisMask: number; ellipsisMask: number; newAxisMask: number; offset: boolean },
): Evaluated {
  if (o.ellipsisMask || o.newAxisMask || o.offset) throw new ReferenceError('ellipsis / new-axis / offset slices');
  const ranges = x.shape.map((dim, axis) => {
    const stride = strides[axis];
    const clamp = (v: number): number => (stride > 0 ? Math.min(dim, Math.max(0, v)) : Math.min(dim - 1, Math.max(-1, v)));
    let start = begin[axis];
    if (o.beginMask & (1 << axis)) start = stride > 0 ? -(2 ** 31) : 2 ** 31 - 1;
    if (start < 0) start += dim;
    start = clamp(start);
    const shrink = (o.shrinkAxisMask & (1 << axis)) !== 0;
    let stop = end[axis];
    if (shrink) stop = start + 1;
    else {
      if (o.endMask & (1 << axis)) stop = stride > 0 ? 2 ** 31 - 1 : -(2 ** 31);
      if (stop < 0) stop += dim;
      stop = clamp(stop);
    }
    const indices: number[] = [];
    if (shrink) indices.push(start);
    else for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) indices.push(i);
    return { indices, shrink };
  });
  const full = ranges.map((r) => r.indices.length);
  const si = stridesOf(x.shape);
  const out = new Float32Array(size(full));
  for (let i = 0; i < out.length; i++) {
    const index = unravel(i, full);
    out[i] = x.data[index.reduce((at, v, k) => at + ranges[k].indices[v] * si[k], 0)];
  }
  return { shape: full.filter((_, k) => !ranges[k].shrink), data: out };
}
