import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../src/image/affine.js';
import { createRgbImage, type RgbImage } from '../../../src/image/rgb-image.js';
import { warpAffine } from '../../../src/image/warp.js';
import {
  cropSamplingAffine,
  cropToImageAffine,
  imageToCropAffine,
  imageToTensorGeometry,
  padRoi,
  rotatedSubRectToRectMatrix,
} from '../../../src/face/mediapipe/crop-transform.js';
import { imageToTensor } from '../../../src/face/mediapipe/image-to-tensor.js';
import type { RotatedRect } from '../../../src/face/mediapipe/rects.js';

const roi: RotatedRect = { xCenter: 310.5, yCenter: 205.25, width: 290, height: 250, rotation: (30 * Math.PI) / 180 };

/** A picture with detail at every scale: smooth gradients plus a blocky pattern. */
function synthetic(W: number, H: number): RgbImage {
  const image = createRgbImage(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const block = ((x >> 3) + (y >> 3)) % 2 ? 60 : 0;
      image.data.set([(x * 255) / W, (y * 255) / H, 120 + block + ((x * y) % 7)], (y * W + x) * 3);
    }
  }
  return image;
}

describe('crop transform', () => {
  it('round-trips ROI -> 256 crop -> image within 1e-6', () => {
    const toCrop = imageToCropAffine(roi, 256, 256);
    const toImage = cropToImageAffine(roi, 256, 256);
    for (const [x, y] of [[310.5, 205.25], [200, 100], [450.75, 333.5], [0, 0], [640, 480]]) {
      const [u, v] = applyAffine(toCrop, x, y);
      const [bx, by] = applyAffine(toImage, u, v);
      expect(Math.abs(bx - x)).toBeLessThan(1e-6);
      expect(Math.abs(by - y)).toBeLessThan(1e-6);
    }
    // The ROI centre is the crop centre, its corners the crop's corners.
    expect(applyAffine(toCrop, roi.xCenter, roi.yCenter).map((v) => +v.toFixed(9))).toEqual([128, 128]);
    const c = Math.cos(roi.rotation), s = Math.sin(roi.rotation);
    const topLeft = [roi.xCenter - (c * roi.width) / 2 + (s * roi.height) / 2, roi.yCenter - (s * roi.width) / 2 - (c * roi.height) / 2];
    expect(applyAffine(toImage, 0, 0)[0]).toBeCloseTo(topLeft[0], 9);
    expect(applyAffine(toImage, 0, 0)[1]).toBeCloseTo(topLeft[1], 9);
  });

  it('matches GetRotatedSubRectToRectTransformMatrix in normalised units', () => {
    const W = 640, H = 480;
    const m = rotatedSubRectToRectMatrix(roi, W, H);
    const a = cropToImageAffine(roi, 256, 256);
    for (const [u, v] of [[0, 0], [1, 0], [0.3, 0.8], [1, 1]]) {
      const [x, y] = applyAffine(a, u * 256, v * 256);
      expect(u * m[0] + v * m[1] + m[3]).toBeCloseTo(x / W, 12);
      expect(u * m[4] + v * m[5] + m[7]).toBeCloseTo(y / H, 12);
    }
    expect(m[10]).toBeCloseTo(roi.width / W, 12); // z scales like x
  });

  it('letterboxes a landscape image into a square tensor, centred, as PadRoi', () => {
    const { roi: padded, padding } = padRoi({ xCenter: 320, yCenter: 180, width: 640, height: 360, rotation: 0 }, 128, 128, true);
    expect(padded).toEqual({ xCenter: 320, yCenter: 180, width: 640, height: 640, rotation: 0 });
    expect(padding[1]).toBeCloseTo((1 - 360 / 640) / 2, 12);
    expect(padding[0]).toBe(0);
    const portrait = padRoi({ xCenter: 100, yCenter: 200, width: 200, height: 400, rotation: 0 }, 128, 128, true);
    expect(portrait.roi.width).toBe(400);
    expect(portrait.padding[0]).toBeCloseTo(0.25, 12);
    expect(padRoi(padded, 256, 256, false).padding).toEqual([0, 0, 0, 0]);
    const geometry = imageToTensorGeometry(640, 360, undefined, 128, 128, true);
    // The tensor's top-left corner is above the image by the bar's height.
    expect(geometry.matrix[3]).toBeCloseTo(0, 12);
    expect(geometry.matrix[7] * 360).toBeCloseTo(-140, 9);
  });

  it('puts pixel centres where each converter does', () => {
    const full: RotatedRect = { xCenter: 50, yCenter: 50, width: 100, height: 100, rotation: 0 };
    // 1:1: both are the identity on pixel indices.
    expect(cropSamplingAffine(full, 100, 100, 'opencv')).toEqual([1, -0, 0, 0, 1, 0]);
    expect(cropSamplingAffine(full, 100, 100, 'gl').map((v) => v + 0)).toEqual([1, 0, 0, 0, 1, 0]);
    // 2:1: OpenCV samples source pixel 2i, GL the midpoint 2i + 0.5.
    expect(applyAffine(cropSamplingAffine(full, 50, 50, 'opencv'), 3, 3)).toEqual([6, 6]);
    expect(applyAffine(cropSamplingAffine(full, 50, 50, 'gl'), 3, 3)).toEqual([6.5, 6.5]);
  });

  for (const [name, at] of [['inside the image', roi], ['across its top-left corner', { ...roi, xCenter: 60, yCenter: 40 }]] as const) {
    it(`agrees with warp.ts's sampling on a synthetic image, ROI ${name} (GL convention, zero border)`, () => {
      const W = 640, H = 480;
      const image = synthetic(W, H);
      const rect = { xCenter: at.xCenter / W, yCenter: at.yCenter / H, width: at.width / W, height: at.height / H, rotation: at.rotation };
      const tensor = imageToTensor(image, rect, { width: 256, height: 256, keepAspectRatio: false, range: [0, 255], border: 'zero', convention: 'gl' });
      const warped = warpAffine(image, imageToCropAffine(tensor.roi, 256, 256), 256, 256);
      let worst = 0;
      for (let i = 0; i < warped.data.length; i++) worst = Math.max(worst, Math.abs(tensor.data[i] - warped.data[i]));
      expect(worst).toBeLessThanOrEqual(0.5 + 1e-3); // warp.ts rounds to bytes
      expect(tensor.data.some((v) => v > 100)).toBe(true);
    });
  }

  it('reaches outside the image with the chosen border', () => {
    const image = createRgbImage(4, 4, new Uint8Array(48).fill(200));
    const rect = { xCenter: 0.5, yCenter: 0.5, width: 2, height: 2, rotation: 0 };
    const zero = imageToTensor(image, rect, { width: 8, height: 8, keepAspectRatio: false, range: [-1, 1], border: 'zero' });
    const replicate = imageToTensor(image, rect, { width: 8, height: 8, keepAspectRatio: false, range: [0, 1], border: 'replicate' });
    expect(zero.data[0]).toBe(-1); // a black tap in [-1, 1]
    expect(replicate.data[0]).toBeCloseTo(200 / 255, 6);
    expect(zero.data[(4 * 8 + 4) * 3]).toBeCloseTo((200 / 255) * 2 - 1, 6);
  });
});
