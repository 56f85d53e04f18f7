/**
 * Where a TFLite tensor's axes lie in the ONNX value that holds it: ONNX axis i holds TFLite axis
 * `order[i]`. TFLite is NHWC; a 4-D activation kept NCHW for ONNX's Conv has order [0, 3, 1, 2].
 * Every order here keeps axis 0, the batch, first.
 */
export type AxisOrder = readonly number[];

export const NCHW: AxisOrder = [0, 3, 1, 2];

export const identityOrder = (rank: number): AxisOrder => Array.from({ length: rank }, (_, i) => i);

export const isIdentity = (order: AxisOrder): boolean => order.every((axis, i) => axis === i);

export const sameOrder = (a: AxisOrder, b: AxisOrder): boolean => a.length === b.length && a.every((axis, i) => axis === b[i]);

/** The ONNX Transpose perm that takes a value held in `from` to one held in `to`. */
export const transposePerm = (from: AxisOrder, to: AxisOrder): number[] => to.map((axis) => from.indexOf(axis));

/**
 * Whether a value held in `order` has its elements in TFLite's row-major order already: true when
 * the axes larger than 1 keep their relative order (unit axes may sit anywhere). The batch axis is
 * 1 in TFLite but not at run time, so it must stay first.
 */
export function keepsMemoryOrder(shape: readonly number[], order: AxisOrder): boolean {
  if (order[0] !== 0) return false;
  const big = order.filter((axis) => axis !== 0 && shape[axis] !== 1);
  return big.every((axis, i) => i === 0 || big[i - 1] < axis);
}

/** A row-major array of `shape` permuted so that its axis i is the old axis `perm[i]`. */
export function permuteArray(values: Float32Array, shape: readonly number[], perm: readonly number[]): { values: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis]);
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  // Walking the output in order, each output axis steps the input by its source axis's stride.
  const step = perm.map((axis) => strides[axis]);
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = values[from];
    for (let i = rank - 1; i >= 0; i--) {
      index[i]++;
      from += step[i];
      if (index[i] < outShape[i]) break;
      from -= step[i] * outShape[i];
      index[i] = 0;
    }
  }
  return { values: out, shape: outShape };
}
