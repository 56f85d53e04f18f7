import { cropScale, invertAffine, type Affine } from './affine.js';
import { createRgbImage, type RgbImage } from './rgb-image.js';

/**
 * Resamples `src` through the affine map `toOutput` (source -> output coordinates) into a
 * width x height image, bilinear, pixel centres at +0.5, black outside the source. When the map
 * shrinks by more than 2x, the source is first box-averaged so small outputs do not alias.
 */
export function warpAffine(src: RgbImage, toOutput: Affine, width: number, height: number): RgbImage {
  const shrink = Math.floor(1 / Math.sqrt(Math.abs(toOutput[0] * toOutput[4] - toOutput[1] * toOutput[3])));
  if (shrink >= 2) {
    const k = shrink;
    return warpAffine(boxDownsample(src, k), [toOutput[0] * k, toOutput[1] * k, toOutput[2], toOutput[3] * k, toOutput[4] * k, toOutput[5]], width, height);
  }
  const [a, b, c, d, e, f] = invertAffine(toOutput);
  const out = createRgbImage(width, height);
  const dst = out.data;
  const s = src.data;
  const sw = src.width, sh = src.height, stride = sw * 3;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    for (let x = 0; x < width; x++, o += 3) {
      const cx = x + 0.5;
      const fx = a * cx + b * cy + c - 0.5;
      const fy = d * cx + e * cy + f - 0.5;
      if (fx >= 0 && fy >= 0 && fx < sw - 1 && fy < sh - 1) {
        // All four taps inside the picture (nearly every pixel of a face crop): no clamping.
        const x0 = fx | 0, y0 = fy | 0;
        const tx = fx - x0, ty = fy - y0;
        const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
        const p00 = y0 * stride + x0 * 3, p01 = p00 + stride;
        dst[o] = w00 * s[p00] + w10 * s[p00 + 3] + w01 * s[p01] + w11 * s[p01 + 3] + 0.5;
        dst[o + 1] = w00 * s[p00 + 1] + w10 * s[p00 + 4] + w01 * s[p01 + 1] + w11 * s[p01 + 4] + 0.5;
        dst[o + 2] = w00 * s[p00 + 2] + w10 * s[p00 + 5] + w01 * s[p01 + 2] + w11 * s[p01 + 5] + 0.5;
        continue;
      }
      if (fx <= -1 || fy <= -1 || fx >= sw || fy >= sh) continue;
      const x0 = Math.floor(fx), y0 = Math.floor(fy);
      const tx = fx - x0, ty = fy - y0;
      const x0c = x0 < 0 ? 0 : x0, x1c = x0 + 1 >= sw ? sw - 1 : x0 + 1;
      const y0c = y0 < 0 ? 0 : y0, y1c = y0 + 1 >= sh ? sh - 1 : y0 + 1;
      // Taps outside the picture count as black, so borders fade rather than smear.
      const w00 = x0 >= 0 && y0 >= 0 ? (1 - tx) * (1 - ty) : 0;
      const w10 = x0 + 1 < sw && y0 >= 0 ? tx * (1 - ty) : 0;
      const w01 = x0 >= 0 && y0 + 1 < sh ? (1 - tx) * ty : 0;
      const w11 = x0 + 1 < sw && y0 + 1 < sh ? tx * ty : 0;
      const p00 = y0c * stride + x0c * 3, p10 = y0c * stride + x1c * 3;
      const p01 = y1c * stride + x0c * 3, p11 = y1c * stride + x1c * 3;
      for (let ch = 0; ch < 3; ch++) {
        dst[o + ch] = w00 * s[p00 + ch] + w10 * s[p10 + ch] + w01 * s[p01 + ch] + w11 * s[p11 + ch] + 0.5;
      }
    }
  }
  return out;
}

export function resizeBilinear(src: RgbImage, width: number, height: number): RgbImage {
  return warpAffine(src, cropScale(0, 0, width / src.width, height / src.height), width, height);
}

/** The axis-aligned region [x0, x0 + w) x [y0, y0 + h) of `src`, resized to width x height. */
export function cropResize(src: RgbImage, x0: number, y0: number, w: number, h: number, width: number, height: number): RgbImage {
  return warpAffine(src, cropScale(x0, y0, width / w, height / h), width, height);
}

/** Averages k x k blocks (the last partial row and column too). */
function boxDownsample(src: RgbImage, k: number): RgbImage {
  const width = Math.ceil(src.width / k), height = Math.ceil(src.height / k);
  const out = createRgbImage(width, height);
  const s = src.data, dst = out.data;
  for (let y = 0; y < height; y++) {
    const ys = y * k, ye = Math.min(ys + k, src.height);
    for (let x = 0; x < width; x++) {
      const xs = x * k, xe = Math.min(xs + k, src.width);
      let r = 0, g = 0, b = 0;
      for (let yy = ys; yy < ye; yy++) {
        for (let xx = xs, p = (yy * src.width + xs) * 3; xx < xe; xx++, p += 3) {
          r += s[p];
          g += s[p + 1];
          b += s[p + 2];
        }
      }
      const n = (ye - ys) * (xe - xs), o = (y * width + x) * 3;
      dst[o] = r / n + 0.5;
      dst[o + 1] = g / n + 0.5;
      dst[o + 2] = b / n + 0.5;
    }
  }
  return out;
}
