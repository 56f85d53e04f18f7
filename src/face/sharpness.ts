import type { RgbImage } from '../image/rgb-image.js';
import { cropResize } from '../image/warp.js';
import { EYE_CROP } from './align.js';
import type { Point } from './geometry.js';

export interface SharpnessOptions {
  /** Side M of the square patch around each eye, in pixels of the paper's eye-aligned crop (eyes 70 px apart). Default 32. */
  readonly patch?: number;
  /** Standard deviation of the Gaussian blur G, in pixels. Default 1.5. */
  readonly sigma?: number;
}

export const SHARPNESS_DEFAULTS: Required<SharpnessOptions> = { patch: 32, sigma: 1.5 };

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Grey (ITU-R 601 luma, 0..255) values of a picture. */
function grey(image: RgbImage): Float64Array {
  const out = new Float64Array(image.width * image.height);
  for (let i = 0, p = 0; i < out.length; i++, p += 3) out[i] = 0.299 * image.data[p] + 0.587 * image.data[p + 1] + 0.114 * image.data[p + 2];
  return out;
}

/** Separable Gaussian blur of a size x size patch, edges clamped. */
function blur(patch: Float64Array, size: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(patch.length);
  const out = new Float64Array(patch.length);
  const at = (i: number) => (i < 0 ? 0 : i >= size ? size - 1 : i);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += kernel[k + r] * patch[y * size + at(x + k)];
      tmp[y * size + x] = s;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += kernel[k + r] * tmp[at(y + k) * size + x];
      out[y * size + x] = s;
    }
  }
  return out;
}

/**
 * FaceQA sharpness (the paper's sid): for an M x M patch P around each eye,
 * sid_k = (1/M^2) sum |P - P * G|, averaged over both eyes, on the 0..255 grey scale. A blurred
 * face has little left for the blur to remove, so its sid is low.
 *
 * M is given at the scale of the paper's eye-aligned crop (eyes 70 px apart), so a patch covers the
 * same part of every face: a face with its eyes further apart is scaled down to that crop's scale,
 * as in the paper. A face with its eyes closer is not enlarged: its patches are cut at its own
 * resolution, M scaled down alike, since enlarging blurs by interpolation and FaceQA would then
 * reject every face of a wide shot for its size rather than for being out of focus. Patches are
 * not levelled: the Gaussian is isotropic and the mean absolute difference does not depend on the
 * patch's rotation, while resampling to level it would smooth it.
 */
export function sharpnessAroundEyes(frame: RgbImage, leftEye: Point, rightEye: Point, options: SharpnessOptions = {}): number {
  const { patch, sigma } = { ...SHARPNESS_DEFAULTS, ...options };
  if (!Number.isInteger(patch) || patch < 4) throw new TypeError(`patch must be an integer of at least 4, got ${patch}`);
  const eyeDistance = Math.hypot(rightEye[0] - leftEye[0], rightEye[1] - leftEye[1]);
  const side = Math.max(4, Math.round((patch * eyeDistance) / EYE_CROP.eyeDistance));
  const size = Math.min(side, patch);
  const kernel = gaussianKernel(sigma);
  let total = 0;
  for (const [x, y] of [leftEye, rightEye]) {
    const x0 = Math.round(x - side / 2), y0 = Math.round(y - side / 2);
    const p = grey(cropResize(frame, x0, y0, side, side, size, size));
    const g = blur(p, size, kernel);
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - g[i]);
    total += sum / p.length;
  }
  return total / 2;
}
