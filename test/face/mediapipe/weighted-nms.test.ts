import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/face/mediapipe/detections.js';
import { overlapSimilarity, weightedNonMaxSuppression } from '../../../src/face/mediapipe/weighted-nms.js';

const det = (score: number, xMin: number, yMin: number, width: number, height: number, kx = xMin, ky = yMin): Detection => ({
  score, xMin, yMin, width, height, keypoints: Float32Array.from([kx, ky]),
});

describe('weightedNonMaxSuppression', () => {
  it('merges overlapping boxes into their score-weighted average and keeps the best score', () => {
    const a = det(0.9, 0.10, 0.10, 0.20, 0.20, 0.15, 0.12);
    const b = det(0.6, 0.12, 0.11, 0.20, 0.22, 0.18, 0.16);
    const far = det(0.7, 0.60, 0.60, 0.20, 0.20);
    expect(overlapSimilarity(a, b)).toBeGreaterThan(0.5);
    const out = weightedNonMaxSuppression([b, far, a], { minSuppressionThreshold: 0.5 });
    expect(out).toHaveLength(2);
    const [merged, other] = out;
    const avg = (u: number, v: number): number => (0.9 * u + 0.6 * v) / 1.5;
    expect(merged.score).toBe(0.9);
    expect(merged.xMin).toBeCloseTo(avg(0.10, 0.12), 12);
    expect(merged.yMin).toBeCloseTo(avg(0.10, 0.11), 12);
    expect(merged.xMin + merged.width).toBeCloseTo(avg(0.30, 0.32), 12);
    expect(merged.yMin + merged.height).toBeCloseTo(avg(0.30, 0.33), 12);
    expect(merged.keypoints[0]).toBeCloseTo(avg(0.15, 0.18), 6);
    expect(merged.keypoints[1]).toBeCloseTo(avg(0.12, 0.16), 6);
    // A lone box is averaged with itself only: unchanged.
    expect([other.score, other.xMin, other.yMin, other.width, other.height]).toEqual([0.7, 0.6, 0.6, expect.closeTo(0.2, 12), expect.closeTo(0.2, 12)]);
  });

  it('keeps boxes overlapping by no more than the threshold apart, best first', () => {
    const a = det(0.8, 0, 0, 0.2, 0.2);
    const b = det(0.9, 0.1, 0, 0.2, 0.2); // IoU with a: 1/3
    const out = weightedNonMaxSuppression([a, b], { minSuppressionThreshold: 0.5 });
    expect(out.map((d) => d.score)).toEqual([0.9, 0.8]);
    expect(weightedNonMaxSuppression([a, b], { minSuppressionThreshold: 0.3 })).toHaveLength(1);
  });

  it('stops at the first detection below min_score_threshold when one is set', () => {
    const out = weightedNonMaxSuppression([det(0.9, 0, 0, 0.1, 0.1), det(0.4, 0.5, 0.5, 0.1, 0.1)], { minSuppressionThreshold: 0.5, minScoreThreshold: 0.5 });
    expect(out.map((d) => d.score)).toEqual([0.9]);
  });

  it('ends the loop after a zero-area best box, as MediaPipe does', () => {
    const out = weightedNonMaxSuppression([det(0.9, 0.1, 0.1, 0, 0), det(0.8, 0.5, 0.5, 0.1, 0.1)], { minSuppressionThreshold: 0.5 });
    expect(out.map((d) => d.score)).toEqual([0.9]);
  });

  it('returns nothing for nothing', () => {
    expect(weightedNonMaxSuppression([], { minSuppressionThreshold: 0.5 })).toEqual([]);
  });
});
