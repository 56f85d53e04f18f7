import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/math/seeded-random.js';
import { clusterRepresentatives, cutIntoClusters, wardLinkage } from '../../src/expression/ward.js';

/** Ward by its definition: merge the two clusters whose union raises the summed squared error least. */
function bruteForceHeights(points: number[][]): number[] {
  let clusters = points.map((p) => [p]);
  const sse = (c: number[][]): number => {
    const mean = c[0].map((_, j) => c.reduce((s, p) => s + p[j], 0) / c.length);
    return c.reduce((s, p) => s + p.reduce((t, v, j) => t + (v - mean[j]) ** 2, 0), 0);
  };
  const heights: number[] = [];
  while (clusters.length > 1) {
    let best = [0, 1], bestCost = Infinity;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const cost = sse([...clusters[i], ...clusters[j]]) - sse(clusters[i]) - sse(clusters[j]);
        if (cost < bestCost) [best, bestCost] = [[i, j], cost];
      }
    }
    // SciPy's height is sqrt(2 x the increase in squared error).
    heights.push(Math.sqrt(2 * bestCost));
    clusters = [...clusters.filter((_, k) => k !== best[0] && k !== best[1]), [...clusters[best[0]], ...clusters[best[1]]]];
  }
  return heights;
}

describe('Ward clustering', () => {
  it('merges five points on a line as worked out by hand', () => {
    // {0,1} and {5,6} at their distance 1; then those two pairs, centroids 0.5 and 5.5:
    // sqrt(2*2*2/4 * 25) = sqrt(50); then with 20, centroid 3 of four points: sqrt(2*4*1/5 * 289).
    const merges = wardLinkage([[0], [1], [5], [6], [20]]);
    expect(merges.map(({ a, b, size }) => [a, b, size])).toEqual([[0, 1, 2], [2, 3, 2], [5, 6, 4], [4, 7, 5]]);
    const heights = merges.map((m) => m.height);
    [1, 1, Math.sqrt(50), Math.sqrt(462.4)].forEach((h, i) => expect(heights[i]).toBeCloseTo(h, 10));
    expect(Array.from(cutIntoClusters(merges, 5, 2))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(cutIntoClusters(merges, 5, 3))).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(cutIntoClusters(merges, 5, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(cutIntoClusters(merges, 5, 9))).toEqual([0, 1, 2, 3, 4]);
  });

  it('merges four points in the plane as worked out by hand', () => {
    // (0,0)-(0,2) at 2, (4,0)-(4,3) at 3, then centroids (0,1) and (4,1.5): sqrt(2 * 16.25).
    const heights = wardLinkage([[0, 0], [0, 2], [4, 0], [4, 3]]).map((m) => m.height);
    [2, 3, Math.sqrt(32.5)].forEach((h, i) => expect(heights[i]).toBeCloseTo(h, 10));
  });

  it('agrees with Ward\'s definition on random points', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 5; trial++) {
      const points = Array.from({ length: 25 }, () => [random(), random(), random()]);
      const expected = bruteForceHeights(points);
      wardLinkage(points).forEach((m, i) => expect(m.height).toBeCloseTo(expected[i], 9));
    }
  });

  it('picks the point nearest each cluster\'s centroid as its representative', () => {
    const points = [[0], [1], [3], [10], [11], [13]];
    expect(clusterRepresentatives(points, Int32Array.of(0, 0, 0, 1, 1, 1))).toEqual([1, 4]);
  });

  it('handles no points and one point', () => {
    expect(wardLinkage([])).toEqual([]);
    expect(wardLinkage([[1, 2]])).toEqual([]);
    expect(Array.from(cutIntoClusters([], 1, 3))).toEqual([0]);
  });
});
