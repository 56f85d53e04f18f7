/**
 * MediaPipe's weighted orthogonal Procrustes solver (tasks/cc/vision/face_geometry/libs/
 * procrustes_solver.cc; Akca 2003, section 2.4): the similarity transform (rotation, uniform
 * scale, translation; no reflection) taking `sources` onto `targets` with the least weighted
 * squared error. In float64 where MediaPipe uses float32.
 */

/** A 4x4 matrix in column-major order (MediaPipe's MatrixData layout): m[col * 4 + row]. */
export type Matrix4 = Float64Array;

/**
 * Points are x, y, z per point; `weights` one per point, non-negative, summing above zero.
 * Returns [s R | t] as a column-major 4x4.
 */
export function solveWeightedOrthogonalProblem(sources: ArrayLike<number>, targets: ArrayLike<number>, weights: ArrayLike<number>): Matrix4 {
  const n = weights.length;
  if (sources.length !== 3 * n || targets.length !== 3 * n) throw new TypeError(`need ${n} source and target points, got ${sources.length / 3} and ${targets.length / 3}`);
  let total = 0;
  const com = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0)) throw new RangeError(`point ${i} has weight ${w}`);
    total += w;
    for (let k = 0; k < 3; k++) com[k] += w * sources[3 * i + k];
  }
  if (!(total > 1e-9)) throw new RangeError('the total point weight is too small');
  for (let k = 0; k < 3; k++) com[k] /= total;
  // design = sum_i w_i t_i (s_i - com)^T, row-major 3x3.
  const design = new Float64Array(9);
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (w === 0) continue;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) design[3 * r + c] += w * targets[3 * i + r] * (sources[3 * i + c] - com[c]);
      denominator += w * (sources[3 * i + r] - com[r]) * sources[3 * i + r];
    }
  }
  const rotation = optimalRotation(design);
  // scale = trace(R design^T) / sum_i w_i (s_i - com) . s_i, (53) in the paper.
  let numerator = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) numerator += rotation[3 * r + c] * design[3 * r + c];
  if (!(denominator > 1e-9) || !(numerator / denominator > 1e-9)) throw new RangeError('the points are too compact for a scale');
  const scale = numerator / denominator;
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    let t = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (w === 0) continue;
      let rs = 0;
      for (let c = 0; c < 3; c++) rs += rotation[3 * r + c] * sources[3 * i + c];
      t += w * (targets[3 * i + r] - scale * rs);
    }
    for (let c = 0; c < 3; c++) out[c * 4 + r] = scale * rotation[3 * r + c];
    out[12 + r] = t / total;
  }
  out[15] = 1;
  return out;
}

/**
 * The proper rotation R (row-major 3x3) maximising trace(R^T design): U diag(1, 1, +-1) V^T from
 * the SVD of `design`, the sign making det(R) = +1 (MediaPipe flips U's last column likewise).
 */
export function optimalRotation(design: ArrayLike<number>): Float64Array {
  const [a, b, c, d, e, f, g, h, i] = Array.from(design);
  if (!(Math.hypot(a, b, c, d, e, f, g, h, i) > 1e-9)) throw new RangeError('design matrix norm is too small');
  // V and the squared singular values from the eigen-decomposition of design^T design.
  const ata = [
    a * a + d * d + g * g, a * b + d * e + g * h, a * c + d * f + g * i,
    0, b * b + e * e + h * h, b * c + e * f + h * i,
    0, 0, c * c + f * f + i * i,
  ];
  ata[3] = ata[1];
  ata[6] = ata[2];
  ata[7] = ata[5];
  const { values, vectors } = symmetricEigen3(ata);
  const order = [0, 1, 2].sort((p, q) => values[q] - values[p]);
  const v = order.map((k) => [vectors[k], vectors[3 + k], vectors[6 + k]]);
  // det(V) = +1, so that U = [u0, u1, u0 x u1] makes U diag(1, 1, sign det(design)) V^T exactly.
  const cross = (p: number[], q: number[]): number[] => [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]];
  const dot = (p: number[], q: number[]): number => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
  if (dot(cross(v[0], v[1]), v[2]) < 0) v[2] = v[2].map((x) => -x);
  const apply = (x: number[]): number[] => [a * x[0] + b * x[1] + c * x[2], d * x[0] + e * x[1] + f * x[2], g * x[0] + h * x[1] + i * x[2]];
  const unit = (x: number[]): number[] => {
    const norm = Math.hypot(x[0], x[1], x[2]);
    if (!(norm > 1e-12)) throw new RangeError('design matrix has rank below 2');
    return x.map((y) => y / norm);
  };
  const u0 = unit(apply(v[0]));
  // Gram-Schmidt against u0 keeps U orthonormal when singular values are close.
  const av1 = apply(v[1]);
  const u1 = unit(av1.map((y, k) => y - dot(av1, u0) * u0[k]));
  const u = [u0, u1, cross(u0, u1)];
  const r = new Float64Array(9);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) r[3 * row + col] = u[0][row] * v[0][col] + u[1][row] * v[1][col] + u[2][row] * v[2][col];
  return r;
}

/** Eigenvalues and eigenvectors (columns of a row-major 3x3) of a symmetric 3x3, by cyclic Jacobi. */
function symmetricEigen3(m: readonly number[]): { values: number[]; vectors: number[] } {
  const a = [...m];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
    if (off < 1e-30 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8]) || off === 0) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[3 * p + q];
      if (apq === 0) continue;
      const theta = (a[3 * q + q] - a[3 * p + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[3 * k + p], akq = a[3 * k + q];
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k], aqk = a[3 * q + k];
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p], vkq = v[3 * k + q];
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [a[0], a[4], a[8]], vectors: v };
}
