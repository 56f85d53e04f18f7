/** Small dense-vector helpers shared by the models, the expression space and clustering. */

/** Scales `v` in place to unit length (left as is when it is all zeros) and returns it. */
export function l2Normalise<T extends Float32Array | Float64Array>(v: T): T {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Per component, the median of the vectors (the mean of the middle two for an even count). */
export function componentMedian(vectors: readonly ArrayLike<number>[]): Float32Array {
  if (vectors.length === 0) throw new RangeError('the median of no vectors');
  const dims = vectors[0].length;
  const out = new Float32Array(dims);
  const column = new Float64Array(vectors.length);
  const mid = vectors.length >> 1;
  for (let d = 0; d < dims; d++) {
    for (let k = 0; k < vectors.length; k++) column[k] = vectors[k][d];
    column.sort();
    out[d] = vectors.length % 2 ? column[mid] : (column[mid - 1] + column[mid]) / 2;
  }
  return out;
}
