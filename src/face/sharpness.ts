import type { RgbImage } from '../image/rgb-image.js';
import type { Point } from './geometry.js';

export interface SharpnessOptions {
  /** Side M of the square patch around each eye, in pixels of the eye-aligned crop. Default 32. */
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

/** Grey (ITU-R 601 luma, 0..255) values of the size x size square centred on `c`, edges clamped. */
function greyPatch(image: RgbImage, c: Point, size: number): Float64Array {
  const out = new Float64Array(size * size);
  const x0 = Math.round(c[0] - size / 2), y0 = Math.round(c[1] - size / 2);
  const { width, height, data } = image;
  for (let y = 0; y < size; y++) {
    const yy = Math.min(Math.max(y0 + y, 0), height - 1);
    for (let x = 0; x < size; x++) {
      const xx = Math.min(Math.max(x0 + x, 0), width - 1);
      const p = (yy * width + xx) * 3;
      out[y * size + x] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
    }
  }
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
 * face has little left for the blur to remove, so its sid is low. Measured on the eye-aligned crop,
 * so M means the same part of every face whatever its size in the frame.
 */
export function sharpnessAroundEyes(alignedCrop: RgbImage, eyes: readonly [Point, Point], options: SharpnessOptions = {}): number {
  const { patch: size, sigma } = { ...SHARPNESS_DEFAULTS, ...options };
  if (!Number.isInteger(size) || size < 4) throw new TypeError(`patch must be an integer of at least 4, got ${size}`);
  const kernel = gaussianKernel(sigma);
  let total = 0;
  for (const eye of eyes) {
    const p = greyPatch(alignedCrop, eye, size);
    const g = blur(p, size, kernel);
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - g[i]);
    total += sum / p.length;
  }
  return total / eyes.length;
}
