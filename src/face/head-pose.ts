/**
 * Head pose from 2-D landmarks by perspective-n-point: the rotation and translation of a 3-D mean
 * face that best reproject onto the detected landmarks through a pinhole camera.
 */

/** A landmark of the 3-D mean face: its iBUG-68 index and position. */
export interface MeanFacePoint {
  readonly index: number;
  readonly xyz: readonly [number, number, number];
}

/**
 * iBUG-68 indices and 3-D positions of a mean face (camera axes: x right, y down, z away from the
 * camera; nose tip at the origin; about 0.2 mm a unit). Eleven rigid points: eye corners, nose
 * bridge, wings and base, mouth corners. The jaw line is left out: the landmark model pulls the
 * chin to the detection box's lower edge, and with it, yaw agreed with HopeNet less (docs/face.md).
 */
const MEAN_FACE: readonly MeanFacePoint[] = [
  { index: 30, xyz: [0, 0, 0] }, // nose tip
  { index: 27, xyz: [0, -175, 80] }, // nose bridge between the eyes
  { index: 33, xyz: [0, 40, 45] }, // base of the nose
  { index: 31, xyz: [-55, 25, 60] }, // nose wings
  { index: 35, xyz: [55, 25, 60] },
  { index: 36, xyz: [-225, -170, 135] }, // outer eye corners (36 is on the image's left)
  { index: 45, xyz: [225, -170, 135] },
  { index: 39, xyz: [-80, -165, 100] }, // inner eye corners
  { index: 42, xyz: [80, -165, 100] },
  { index: 48, xyz: [-150, 150, 125] }, // mouth corners
  { index: 54, xyz: [150, 150, 125] },
];

export interface PnpPose {
  /** Degrees; positive when the face turns towards the image's left (the subject's right). */
  readonly yaw: number;
  /** Degrees, signed as HopeNet's pitch. */
  readonly pitch: number;
  /** Degrees, signed as HopeNet's roll. */
  readonly roll: number;
  /** Root-mean-square reprojection error in pixels. */
  readonly error: number;
}

type Vec3 = [number, number, number];
type Mat3 = [number, number, number, number, number, number, number, number, number];

function rodrigues(w: readonly number[]): Mat3 {
  const theta = Math.hypot(w[0], w[1], w[2]);
  if (theta < 1e-12) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const kx = w[0] / theta, ky = w[1] / theta, kz = w[2] / theta;
  const c = Math.cos(theta), s = Math.sin(theta), v = 1 - c;
  return [
    c + kx * kx * v, kx * ky * v - kz * s, kx * kz * v + ky * s,
    ky * kx * v + kz * s, c + ky * ky * v, ky * kz * v - kx * s,
    kz * kx * v - ky * s, kz * ky * v + kx * s, c + kz * kz * v,
  ];
}

function rotationVector(r: Mat3): Vec3 {
  const cos = Math.min(1, Math.max(-1, (r[0] + r[4] + r[8] - 1) / 2));
  const theta = Math.acos(cos);
  if (theta < 1e-9) return [0, 0, 0];
  const k = theta / (2 * Math.sin(theta));
  return [(r[7] - r[5]) * k, (r[2] - r[6]) * k, (r[3] - r[1]) * k];
}

function residuals(params: readonly number[], model: readonly Vec3[], image: readonly number[], f: number, cx: number, cy: number): number[] {
  const r = rodrigues(params);
  const out: number[] = [];
  model.forEach(([x, y, z], i) => {
    const px = r[0] * x + r[1] * y + r[2] * z + params[3];
    const py = r[3] * x + r[4] * y + r[5] * z + params[4];
    const pz = r[6] * x + r[7] * y + r[8] * z + params[5];
    out.push(f * (px / pz) + cx - image[2 * i], f * (py / pz) + cy - image[2 * i + 1]);
  });
  return out;
}

/** Solves the 6x6 system a x = b by Gaussian elimination with partial pivoting. */
function solve6(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-15) return undefined;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const k = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= k * m[c][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let j = r + 1; j < n; j++) s -= m[r][j] * x[j];
    x[r] = s / m[r][r];
  }
  return x;
}

/** Scaled-orthographic fit (an affine camera) as the starting point for the perspective refinement. */
function weakPerspectiveStart(model: readonly Vec3[], image: readonly number[], f: number, cx: number, cy: number): number[] {
  const n = model.length;
  const mean = [0, 0, 0], uv = [0, 0];
  model.forEach((p, i) => {
    for (let k = 0; k < 3; k++) mean[k] += p[k] / n;
    uv[0] += image[2 * i] / n;
    uv[1] += image[2 * i + 1] / n;
  });
  // Normal equations of [u v] = A X over centred points: A = (B X^T)(X X^T)^-1.
  const xxt = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const bxt = [0, 0, 0, 0, 0, 0];
  model.forEach((p, i) => {
    const x = [p[0] - mean[0], p[1] - mean[1], p[2] - mean[2]];
    const b = [image[2 * i] - uv[0], image[2 * i + 1] - uv[1]];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) xxt[3 * r + c] += x[r] * x[c];
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) bxt[3 * r + c] += b[r] * x[c];
  });
  const inv = invert3(xxt as Mat3);
  const row = (r: number): Vec3 => [0, 1, 2].map((c) => bxt[3 * r] * inv[c] + bxt[3 * r + 1] * inv[3 + c] + bxt[3 * r + 2] * inv[6 + c]) as Vec3;
  const r1 = row(0), r2 = row(1);
  const n1 = Math.hypot(...r1), n2 = Math.hypot(...r2);
  const scale = (n1 + n2) / 2;
  const a = r1.map((v) => v / n1) as Vec3;
  const d = a[0] * r2[0] + a[1] * r2[1] + a[2] * r2[2];
  const bRaw = r2.map((v, k) => v - d * a[k]) as Vec3;
  const nb = Math.hypot(...bRaw);
  const b = bRaw.map((v) => v / nb) as Vec3;
  const c: Vec3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const rot: Mat3 = [...a, ...b, ...c];
  const rm = [0, 1, 2].map((k) => rot[3 * k] * mean[0] + rot[3 * k + 1] * mean[1] + rot[3 * k + 2] * mean[2]);
  const tz = f / scale - rm[2];
  const depth = f / scale;
  return [...rotationVector(rot), ((uv[0] - cx) * depth) / f - rm[0], ((uv[1] - cy) * depth) / f - rm[1], tz];
}

function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new RangeError('landmarks are degenerate for pose estimation');
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

const sumSquares = (v: readonly number[]): number => v.reduce((s, x) => s + x * x, 0);

/**
 * Estimates head pose from 68 landmarks (frame pixels) in a frame of the given size, with a
 * pinhole camera of focal length equal to the frame width, centred. Levenberg-Marquardt refines a
 * scaled-orthographic start.
 */
export function headPoseFromLandmarks(
  landmarks68: ArrayLike<number>,
  frameWidth: number,
  frameHeight: number,
  meanFace: readonly MeanFacePoint[] = MEAN_FACE,
): PnpPose {
  if (landmarks68.length !== 136) throw new TypeError(`expected 68 landmarks (136 values), got ${landmarks68.length}`);
  const model = meanFace.map((p) => [...p.xyz] as Vec3);
  const image = meanFace.flatMap((p) => [landmarks68[2 * p.index], landmarks68[2 * p.index + 1]]);
  const f = frameWidth, cx = frameWidth / 2, cy = frameHeight / 2;
  let params = weakPerspectiveStart(model, image, f, cx, cy);
  let res = residuals(params, model, image, f, cx, cy);
  let cost = sumSquares(res);
  let lambda = 1e-3;
  for (let iter = 0; iter < 50; iter++) {
    const jac: number[][] = [];
    for (let k = 0; k < 6; k++) {
      const h = k < 3 ? 1e-6 : 1e-3 * Math.max(1, Math.abs(params[k]));
      const plus = [...params], minus = [...params];
      plus[k] += h;
      minus[k] -= h;
      const rp = residuals(plus, model, image, f, cx, cy), rm = residuals(minus, model, image, f, cx, cy);
      jac.push(rp.map((v, i) => (v - rm[i]) / (2 * h)));
    }
    const jtj = jac.map((a) => jac.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
    const jtr = jac.map((a) => -a.reduce((s, v, i) => s + v * res[i], 0));
    let improved = false;
    while (lambda < 1e8) {
      const damped = jtj.map((row, r) => row.map((v, c) => (r === c ? v * (1 + lambda) : v)));
      const step = solve6(damped, jtr);
      if (!step) break;
      const next = params.map((p, k) => p + step[k]);
      const nextRes = residuals(next, model, image, f, cx, cy);
      const nextCost = sumSquares(nextRes);
      if (Number.isFinite(nextCost) && nextCost < cost) {
        const gain = cost - nextCost;
        params = next;
        res = nextRes;
        cost = nextCost;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = gain > 1e-10 * cost;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  const r = rodrigues(params);
  const deg = 180 / Math.PI;
  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, -r[6]))) * deg,
    pitch: -Math.atan2(r[7], r[8]) * deg,
    roll: Math.atan2(r[3], r[0]) * deg,
    error: Math.sqrt(cost / meanFace.length),
  };
}
