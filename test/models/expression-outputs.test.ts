import { describe, expect, it } from 'vitest';
import { meanExpressionOutputs, type ExpressionOutputs } from '../../src/models/expression.js';
import { softmax } from '../../src/math/vector.js';

const view = (logits: number[], pooled: number[]): ExpressionOutputs => {
  const l = Float32Array.from(logits);
  return { logits: l, probabilities: softmax(l), pooled: Float32Array.from(pooled) };
};

describe('meanExpressionOutputs', () => {
  it('averages the views field by field, probabilities as probabilities', () => {
    const a = view([10, 0, 0, 0, 0, 0, 0], [1, 2]);
    const b = view([0, 0, 0, 10, 0, 0, 0], [3, 6]);
    const mean = meanExpressionOutputs([a, b]);
    expect(Array.from(mean.pooled)).toEqual([2, 4]);
    expect(Array.from(mean.logits)).toEqual([5, 0, 0, 5, 0, 0, 0]);
    // Two confident views that disagree: half and half.
    expect(mean.probabilities[0]).toBeCloseTo((a.probabilities[0] + b.probabilities[0]) / 2, 6);
    expect(mean.probabilities[3]).toBeCloseTo((a.probabilities[3] + b.probabilities[3]) / 2, 6);
    const skewed = meanExpressionOutputs([view([4, 0, 0, 0, 0, 0, 0], [0]), view([0, 0, 0, 0, 0, 0, 0], [0])]);
    expect(skewed.probabilities[0]).toBeCloseTo((softmax([4, 0, 0, 0, 0, 0, 0])[0] + 1 / 7) / 2, 6);
    expect(skewed.probabilities[0]).not.toBeCloseTo(softmax([2, 0, 0, 0, 0, 0, 0])[0], 2);
  });

  it('gives a single view back as it is', () => {
    const a = view([1, 2, 3, 4, 5, 6, 7], [0.5]);
    expect(meanExpressionOutputs([a])).toBe(a);
  });
});
