import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { seededRandom } from '../../../src/math/seeded-random.js';
import { fixture } from '../../support/fixtures.js';

/** ../shared/models/face_landmarker.task beside the checkout (see its README); tests only. */
export const FACE_LANDMARKER_TASK = fileURLToPath(new URL('../../../../shared/models/face_landmarker.task', import.meta.url));

export const readTask = (): Uint8Array => new Uint8Array(readFileSync(FACE_LANDMARKER_TASK));

/** A square around the face of the london portraits (512 x 512), roughly MediaPipe's face ROI. */
export const FACE_CROP = { left: 96, top: 80, width: 320, height: 320 };

/** A fixture portrait cropped to `crop` (512 x 512 source pixels) and resized to size x size: RGB, HWC. */
export async function facePixels(size: number, crop = { left: 0, top: 0, width: 512, height: 512 }, path = 'faces/london/002_03.jpg'): Promise<Uint8Array> {
  const { data } = await sharp(fixture(path)).extract(crop).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

/** Deterministic pseudo-random numbers in [0, 1): the project's one seeded generator. */
export const random = seededRandom;

export function randomPixels(size: number, seed: number): Uint8Array {
  const next = random(seed);
  return Uint8Array.from({ length: size * size * 3 }, () => Math.floor(next() * 256));
}

/** HWC pixels as the NHWC float input a TFLite image model takes: (pixel - mean) / std. */
export const normalise = (pixels: Uint8Array, mean: number, std: number): Float32Array => Float32Array.from(pixels, (p) => (p - mean) / std);

/** One NHWC image [H, W, C] as NCHW [C, H, W]. */
export function toNchw(nhwc: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(nhwc.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[(c * height + y) * width + x] = nhwc[(y * width + x) * channels + c];
  return out;
}
