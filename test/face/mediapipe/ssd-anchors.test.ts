import { describe, expect, it } from 'vitest';
import { ANCHOR_STRIDE, FACE_DETECTOR_ANCHOR_OPTIONS, faceDetectorAnchors, generateSsdAnchors } from '../../../src/face/mediapipe/ssd-anchors.js';

const anchorAt = (anchors: Float32Array, i: number): number[] => Array.from(anchors.subarray(i * ANCHOR_STRIDE, (i + 1) * ANCHOR_STRIDE));

describe('BlazeFace short-range anchors', () => {
  const anchors = faceDetectorAnchors();

  it('are 896: 16x16 cells x 2 on stride 8, then 8x8 cells x 6 for the three stride-16 layers', () => {
    expect(anchors.length / ANCHOR_STRIDE).toBe(896);
    expect(16 * 16 * 2 + 8 * 8 * 6).toBe(896);
  });

  it('sit at cell centres, row by row, with every size fixed at 1', () => {
    // Stride 8: two anchors per cell of a 16x16 map.
    expect(anchorAt(anchors, 0)).toEqual([0.5 / 16, 0.5 / 16, 1, 1]);
    expect(anchorAt(anchors, 1)).toEqual([0.5 / 16, 0.5 / 16, 1, 1]);
    expect(anchorAt(anchors, 2)).toEqual([1.5 / 16, 0.5 / 16, 1, 1]);
    expect(anchorAt(anchors, 32)).toEqual([0.5 / 16, 1.5 / 16, 1, 1]);
    expect(anchorAt(anchors, 511)).toEqual([15.5 / 16, 15.5 / 16, 1, 1]);
    // Stride 16: six anchors per cell of an 8x8 map.
    for (let k = 512; k < 518; k++) expect(anchorAt(anchors, k)).toEqual([0.5 / 8, 0.5 / 8, 1, 1]);
    expect(anchorAt(anchors, 518)).toEqual([1.5 / 8, 0.5 / 8, 1, 1]);
    expect(anchorAt(anchors, 512 + 6 * 8)).toEqual([0.5 / 8, 1.5 / 8, 1, 1]);
    expect(anchorAt(anchors, 895)).toEqual([7.5 / 8, 7.5 / 8, 1, 1]);
  });

  it('is computed once', () => {
    expect(faceDetectorAnchors()).toBe(anchors);
  });

  it('gives scaled sizes when the anchor size is not fixed', () => {
    const free = generateSsdAnchors({ ...FACE_DETECTOR_ANCHOR_OPTIONS, fixedAnchorSize: false });
    // Layer 0: scale = min_scale, then the interpolated sqrt(scale * next scale).
    const s0 = 0.1484375, s1 = 0.1484375 + (0.75 - 0.1484375) / 3;
    expect(free[2]).toBeCloseTo(s0, 6);
    expect(free[ANCHOR_STRIDE + 2]).toBeCloseTo(Math.sqrt(s0 * s1), 6);
    expect(free.length).toBe(anchors.length);
  });
});
