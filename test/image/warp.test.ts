import { describe, expect, it } from 'vitest';
import { createRgbImage } from '../../src/image/rgb-image.js';
import { cropResize, resizeBilinear, warpAffine } from '../../src/image/warp.js';

const gradient = (w: number, h: number) => {
  const image = createRgbImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) image.data.set([x, y, 100], (y * w + x) * 3);
  return image;
};

describe('warpAffine', () => {
  it('is the identity for the identity map', () => {
    const src = gradient(17, 9);
    expect(warpAffine(src, [1, 0, 0, 0, 1, 0], 17, 9).data).toEqual(src.data);
  });

  it('shifts by whole pixels and leaves black outside the source', () => {
    const out = warpAffine(gradient(10, 10), [1, 0, 3, 0, 1, 0], 10, 10);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(out.data.subarray(3 * 3, 3 * 3 + 3))).toEqual([0, 0, 100]);
  });

  it('averages when shrinking a lot, so a fine checkerboard turns grey', () => {
    const checker = createRgbImage(64, 64);
    for (let i = 0; i < 64 * 64; i++) checker.data.fill(((i % 64) + Math.floor(i / 64)) % 2 ? 255 : 0, 3 * i, 3 * i + 3);
    const small = resizeBilinear(checker, 8, 8);
    for (const v of small.data) expect(Math.abs(v - 128)).toBeLessThan(3);
  });
});

describe('cropResize', () => {
  it('takes the given region', () => {
    const out = cropResize(gradient(100, 50), 20, 10, 40, 20, 40, 20);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([20, 10, 100]);
  });
});
