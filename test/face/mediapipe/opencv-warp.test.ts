import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../src/image/affine.js';
import { createRgbImage } from '../../../src/image/rgb-image.js';
import { cropSamplingAffine, imageToTensorGeometry } from '../../../src/face/mediapipe/crop-transform.js';
import { FACE_DETECTOR_INPUT, imageToTensor } from '../../../src/face/mediapipe/image-to-tensor.js';
import {
  opencvBoxPoints,
  opencvInvert3x3,
  opencvPerspectiveTransform,
  opencvRemapBilinear,
  opencvWarpInverse,
  opencvWarpPositions,
  roundHalfEven,
} from '../../../src/face/mediapipe/opencv-warp.js';
import type { RotatedRect } from '../../../src/face/mediapipe/rects.js';

/** The face detector's letterboxed ROI for a 486x621 picture (faces/meds/S016-01-t10_01.jpg). */
const letterbox486x621: RotatedRect = { xCenter: 243, yCenter: 310.5, width: 621, height: 621, rotation: 0 };

describe('OpenCV warpPerspective, as MediaPipe CPU converter runs it', () => {
  it('rounds like cvRound on wasm: to nearest, ties to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -1849.5, 2.4999999, 2.5000001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -1850, 2, 3]);
    expect(roundHalfEven(1e12)).toBe(2147483647); // saturate_cast<int>
  });

  it('takes the ROI corners as cv::boxPoints orders them: bottom-left, top-left, top-right, bottom-right', () => {
    expect(Array.from(opencvBoxPoints(letterbox486x621))).toEqual([-67.5, 621, -67.5, 0, 553.5, 0, 553.5, 621]);
    // Turned a quarter clockwise on screen, the top-left corner comes from the bottom-left.
    const turned = opencvBoxPoints({ xCenter: 50, yCenter: 50, width: 40, height: 20, rotation: Math.PI / 2 });
    expect(turned[2]).toBeCloseTo(60, 4);
    expect(turned[3]).toBeCloseTo(30, 4);
  });

  it('solves getPerspectiveTransform by LU and inverts it by cofactors, keeping their rounding errors', () => {
    const forward = opencvPerspectiveTransform(opencvBoxPoints(letterbox486x621), [0, 128, 0, 0, 128, 0, 128, 128]);
    const inverse = opencvInvert3x3(forward);
    // Exact arithmetic would give an offset of exactly -67.5; OpenCV's LUImpl (division in the
    // back substitution, as in 3.4.11) leaves it one ulp short, and that decides the ties below.
    expect(Array.from(inverse)).toEqual([4.8515625, -0, -67.49999999999999, -0, 4.8515625, 0, 0, 0, 1]);
    expect(opencvWarpInverse(letterbox486x621, 128, 128)).toEqual(inverse);
  });

  it('resolves source positions that fall halfway between 1/32 steps as OpenCV does, not half up', () => {
    // 621 / 128 * 32 = 155.25 per output pixel: every 4th column lands on a tie. Checked against
    // MediaPipe's web runtime: rounding these half up moved its landmarks on this picture by 0.46 px.
    const positions = opencvWarpPositions(opencvWarpInverse(letterbox486x621, 128, 128), 128, 128);
    const x = (column: number): number => positions[2 * column];
    const y = (row: number): number => positions[2 * row * 128 + 1];
    expect([x(2), x(14), x(42), x(70)]).toEqual([-1849, 14, 4360, 8708]); // ideal: -1849.5, 13.5, 4360.5, 8708.5
    expect([y(2), y(6), y(10)]).toEqual([310, 932, 1552]); // ideal: 310.5, 931.5, 1552.5
  });

  it('otherwise samples the ideal map, rounded to 1/32 pixel (a rotated landmark ROI)', () => {
    const roi: RotatedRect = { xCenter: 240.3, yCenter: 310.7, width: 281.2, height: 281.2, rotation: 0.21 };
    const positions = opencvWarpPositions(opencvWarpInverse(roi, 256, 256), 256, 256);
    const ideal = cropSamplingAffine(roi, 256, 256, 'opencv');
    let compared = 0;
    for (let row = 0; row < 256; row += 7) {
      for (let column = 0; column < 256; column += 5) {
        const [fx, fy] = applyAffine(ideal, column, row).map((v) => v * 32);
        const i = 2 * (row * 256 + column);
        // Float corners put OpenCV within 1e-3 of a step of the ideal; away from the rounding edge both agree.
        if (Math.abs((fx % 1) + (fx < 0 ? 1 : 0) - 0.5) > 0.01) expect(positions[i]).toBe(Math.round(fx));
        if (Math.abs((fy % 1) + (fy < 0 ? 1 : 0) - 0.5) > 0.01) expect(positions[i + 1]).toBe(Math.round(fy));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1800);
  });

  it('blends the four taps with weights in 1/1024, rounding half up, with the chosen border', () => {
    // 2x2 image: red 0 | 255 on top, 100 | 200 below.
    const src = new Uint8Array([0, 0, 0, 255, 0, 0, 100, 0, 0, 200, 0, 0]);
    const at = (X: number, Y: number, replicate = false): number => opencvRemapBilinear(src, 2, 2, Int32Array.of(X, Y), replicate)[0];
    expect(at(16, 0)).toBe(128); // (255 * 512 + 512) >> 10: 127.5 rounds up
    expect(at(8, 0)).toBe(64); // 63.75
    expect(at(16, 16)).toBe(139); // (0 + 255 + 100 + 200) / 4 = 138.75
    expect(at(-16, 0)).toBe(0); // half outside, zero border: (0 + black) / 2
    expect(at(48, 0)).toBe(128); // 255 and a black tap beyond the right edge
    expect(at(48, 0, true)).toBe(255); // replicated edge
    expect(at(-40, 40, true)).toBe(100); // beyond the bottom-left corner
  });

  it('scales bytes to the tensor range in float, as convertTo does', () => {
    const image = createRgbImage(2, 2, new Uint8Array([0, 255, 128, 0, 255, 128, 0, 255, 128, 0, 255, 128]));
    const tensor = imageToTensor(image, undefined, FACE_DETECTOR_INPUT);
    const scale = Math.fround(2 / 255);
    expect(tensor.data[0]).toBe(-1);
    expect(tensor.data[1]).toBe(Math.fround(Math.fround(255 * scale) - 1));
    expect(tensor.data[2]).toBe(Math.fround(Math.fround(128 * scale) - 1));
    expect(imageToTensorGeometry(2, 2, undefined, 128, 128, true).padding).toEqual(tensor.padding);
  });
});
