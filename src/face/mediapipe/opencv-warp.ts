import type { RotatedRect } from './rects.js';

/**
 * `cv::warpPerspective` with INTER_LINEAR on an 8-bit image, bit for bit, as MediaPipe's CPU
 * converter calls it (`mediapipe/calculators/tensor/image_to_tensor_converter_opencv.cc`; OpenCV
 * 3.4.11 per MediaPipe's WORKSPACE). Each step follows OpenCV's source: the ROI's corners
 * (`RotatedRect::points`, core/src/types.cpp, float), `getPerspectiveTransform` (imgproc/src/
 * imgwarp.cpp, an 8x8 `LUImpl` solve from core/src/matrix_decomp.cpp), `invert` of the 3x3
 * (core/src/lapack.cpp, cofactors), `WarpPerspectiveInvoker` (a source position per output pixel,
 * rounded to 1/32 pixel) and `remapBilinear` (a fixed-point blend), both in imgwarp.cpp.
 *
 * Why bit for bit: when the source step (ROI size / tensor size) times 32 is not a whole number,
 * many source positions fall exactly halfway between two 1/32 steps, and which way OpenCV rounds
 * them depends on the rounding error its own matrix arithmetic leaves (and on round-half-to-even).
 * The face detector's letterboxed input of a picture whose longer side is not a multiple of 4 is
 * such a case: rounding those ties the other way moved MediaPipe's landmarks by up to 5 pixels
 * on a 736x858 picture (face-mesh.test.ts).
 */

const f32 = Math.fround;

/** INTER_BITS = 5: source positions keep 5 fractional bits. */
const INTER_TAB_SIZE = 32;
/** warpPerspective computes its map in blocks of at most 32 x 32 pixels. */
const BLOCK_SZ = 32;

/**
 * `cv::RotatedRect(center, size, angle)` built by the converter from MediaPipe's float ROI, then
 * `RotatedRect::points`: corners bottom-left, top-left, top-right, bottom-right (for rotation 0),
 * packed x, y, each computed in float as the C++ does.
 */
export function opencvBoxPoints(roi: RotatedRect): Float32Array {
  const cx = f32(roi.xCenter), cy = f32(roi.yCenter), w = f32(roi.width), h = f32(roi.height);
  // roi.rotation * 180.f / M_PI: float product, double quotient, stored as the float angle.
  const angle = f32(f32(f32(roi.rotation) * 180) / Math.PI);
  const radians = (angle * Math.PI) / 180;
  const b = f32(f32(Math.cos(radians)) * 0.5);
  const a = f32(f32(Math.sin(radians)) * 0.5);
  const p = new Float32Array(8);
  p[0] = f32(f32(cx - f32(a * h)) - f32(b * w));
  p[1] = f32(f32(cy + f32(b * h)) - f32(a * w));
  p[2] = f32(f32(cx + f32(a * h)) - f32(b * w));
  p[3] = f32(f32(cy - f32(b * h)) - f32(a * w));
  p[4] = f32(f32(2 * cx) - p[0]);
  p[5] = f32(f32(2 * cy) - p[1]);
  p[6] = f32(f32(2 * cx) - p[2]);
  p[7] = f32(f32(2 * cy) - p[3]);
  return p;
}

/**
 * `cv::getPerspectiveTransform(src, dst, DECOMP_LU)`: the 3x3 (row-major, m[8] = 1) taking the
 * four `src` points to the four `dst` points, solved by OpenCV's `LUImpl` in double.
 */
export function opencvPerspectiveTransform(src: ArrayLike<number>, dst: ArrayLike<number>): Float64Array {
  const a = new Float64Array(64), b = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    const sx = src[2 * i], sy = src[2 * i + 1], dx = dst[2 * i], dy = dst[2 * i + 1];
    a[i * 8 + 0] = a[(i + 4) * 8 + 3] = sx;
    a[i * 8 + 1] = a[(i + 4) * 8 + 4] = sy;
    a[i * 8 + 2] = a[(i + 4) * 8 + 5] = 1;
    // Point2f products: float * float rounds to float before it becomes a double.
    a[i * 8 + 6] = f32(-sx * dx);
    a[i * 8 + 7] = f32(-sy * dx);
    a[(i + 4) * 8 + 6] = f32(-sx * dy);
    a[(i + 4) * 8 + 7] = f32(-sy * dy);
    b[i] = dx;
    b[i + 4] = dy;
  }
  if (!luSolve(a, b, 8)) throw new RangeError('getPerspectiveTransform: singular point set');
  const m = new Float64Array(9);
  m.set(b);
  m[8] = 1;
  return m;
}

/** `LUImpl` (core/src/matrix_decomp.cpp): Gaussian elimination with partial pivoting; b becomes the solution. */
function luSolve(a: Float64Array, b: Float64Array, m: number): boolean {
  const eps = Number.EPSILON * 100;
  for (let i = 0; i < m; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (Math.abs(a[j * m + i]) > Math.abs(a[k * m + i])) k = j;
    if (Math.abs(a[k * m + i]) < eps) return false;
    if (k !== i) {
      for (let j = i; j < m; j++) [a[i * m + j], a[k * m + j]] = [a[k * m + j], a[i * m + j]];
      [b[i], b[k]] = [b[k], b[i]];
    }
    const d = -1 / a[i * m + i];
    for (let j = i + 1; j < m; j++) {
      const alpha = a[j * m + i] * d;
      for (let c = i + 1; c < m; c++) a[j * m + c] += alpha * a[i * m + c];
      b[j] += alpha * b[i];
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let c = i + 1; c < m; c++) s -= a[i * m + c] * b[c];
    b[i] = s / a[i * m + i];
  }
  return true;
}

/** `cv::invert` of a 3x3 double matrix (DECOMP_LU takes the cofactor path for n <= 3). */
export function opencvInvert3x3(s: ArrayLike<number>): Float64Array {
  const S = (r: number, c: number): number => s[r * 3 + c];
  let d = S(0, 0) * (S(1, 1) * S(2, 2) - S(1, 2) * S(2, 1)) - S(0, 1) * (S(1, 0) * S(2, 2) - S(1, 2) * S(2, 0)) + S(0, 2) * (S(1, 0) * S(2, 1) - S(1, 1) * S(2, 0));
  if (d === 0) throw new RangeError('invert: singular matrix');
  d = 1 / d;
  return Float64Array.of(
    (S(1, 1) * S(2, 2) - S(1, 2) * S(2, 1)) * d,
    (S(0, 2) * S(2, 1) - S(0, 1) * S(2, 2)) * d,
    (S(0, 1) * S(1, 2) - S(0, 2) * S(1, 1)) * d,
    (S(1, 2) * S(2, 0) - S(1, 0) * S(2, 2)) * d,
    (S(0, 0) * S(2, 2) - S(0, 2) * S(2, 0)) * d,
    (S(0, 2) * S(1, 0) - S(0, 0) * S(1, 2)) * d,
    (S(1, 0) * S(2, 1) - S(1, 1) * S(2, 0)) * d,
    (S(0, 1) * S(2, 0) - S(0, 0) * S(2, 1)) * d,
    (S(0, 0) * S(1, 1) - S(0, 1) * S(1, 0)) * d,
  );
}

/** The output -> source matrix warpPerspective works with for this ROI and tensor size. */
export function opencvWarpInverse(roi: RotatedRect, width: number, height: number): Float64Array {
  const w = f32(width), h = f32(height);
  const forward = opencvPerspectiveTransform(opencvBoxPoints(roi), [0, h, 0, 0, w, 0, w, h]);
  return opencvInvert3x3(forward);
}

/** `cvRound` on wasm (lrint): to nearest, ties to even; saturated to int32 first as warpPerspective does. */
export function roundHalfEven(v: number): number {
  v = Math.max(-2147483648, Math.min(2147483647, v));
  const f = Math.floor(v), frac = v - f;
  if (frac > 0.5) return f + 1;
  if (frac < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The source position of every output pixel in 1/32 pixels, as `WarpPerspectiveInvoker` computes
 * it (block by block: the same sums in the same order, so the same rounding): packed X, Y ints.
 */
export function opencvWarpPositions(inverse: ArrayLike<number>, width: number, height: number): Int32Array {
  const M = inverse;
  const out = new Int32Array(width * height * 2);
  let bh0 = Math.min(BLOCK_SZ / 2, height);
  const bw0 = Math.min(Math.floor((BLOCK_SZ * BLOCK_SZ) / bh0), width);
  bh0 = Math.min(Math.floor((BLOCK_SZ * BLOCK_SZ) / bw0), height);
  for (let y = 0; y < height; y += bh0) {
    for (let x = 0; x < width; x += bw0) {
      const bw = Math.min(bw0, width - x), bh = Math.min(bh0, height - y);
      for (let y1 = 0; y1 < bh; y1++) {
        const X0 = M[0] * x + M[1] * (y + y1) + M[2];
        const Y0 = M[3] * x + M[4] * (y + y1) + M[5];
        const W0 = M[6] * x + M[7] * (y + y1) + M[8];
        let o = ((y + y1) * width + x) * 2;
        for (let x1 = 0; x1 < bw; x1++, o += 2) {
          let W = W0 + M[6] * x1;
          W = W ? INTER_TAB_SIZE / W : 0;
          out[o] = roundHalfEven((X0 + M[0] * x1) * W);
          out[o + 1] = roundHalfEven((Y0 + M[3] * x1) * W);
        }
      }
    }
  }
  return out;
}

/**
 * The 8-bit RGB result of warpPerspective for the given source positions (from
 * `opencvWarpPositions`): `remapBilinear` with the fixed-point table (weights in 1/1024 here,
 * exact; OpenCV scales them by 32 and rounds with + 2^14 >> 15, the same thing). Taps outside the
 * image read black (BORDER_CONSTANT) or the nearest edge pixel (BORDER_REPLICATE).
 */
export function opencvRemapBilinear(src: Uint8Array, sw: number, sh: number, positions: Int32Array, replicate: boolean): Uint8Array {
  const n = positions.length / 2;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const X = positions[2 * i], Y = positions[2 * i + 1];
    // saturate_cast<short>(X >> INTER_BITS): the integer part, floored.
    const sx = Math.max(-32768, Math.min(32767, X >> 5)), sy = Math.max(-32768, Math.min(32767, Y >> 5));
    const ax = X & 31, ay = Y & 31;
    const wx0 = INTER_TAB_SIZE - ax, wy0 = INTER_TAB_SIZE - ay;
    let r = 0, g = 0, bl = 0;
    for (let k = 0; k < 4; k++) {
      const dx = k & 1, dy = k >> 1;
      const w = (dx ? ax : wx0) * (dy ? ay : wy0);
      if (w === 0) continue;
      let xi = sx + dx, yi = sy + dy;
      if (xi < 0 || yi < 0 || xi >= sw || yi >= sh) {
        if (!replicate) continue;
        xi = xi < 0 ? 0 : xi >= sw ? sw - 1 : xi;
        yi = yi < 0 ? 0 : yi >= sh ? sh - 1 : yi;
      }
      const p = (yi * sw + xi) * 3;
      r += w * src[p];
      g += w * src[p + 1];
      bl += w * src[p + 2];
    }
    out[3 * i] = Math.min(255, (r + 512) >> 10);
    out[3 * i + 1] = Math.min(255, (g + 512) >> 10);
    out[3 * i + 2] = Math.min(255, (bl + 512) >> 10);
  }
  return out;
}
