import fc from 'fast-check';
import { describe, it } from 'vitest';
import { seededRandom } from '../../src/math/seeded-random.js';
import { hasBorderlinePair, replayAgainstBatch, similarityMatrix, type Step } from './clustering-checks.js';
import { faceLikeEmbeddings, onCircle, onNoisyArc } from './embeddings.js';

const MAX_POINTS = 80;

/** What a run does: its steps, and the capacity of its window, given the one the data was laid out for. */
interface Schedule {
  readonly steps: fc.Arbitrary<Step[]>;
  capacity(layoutCapacity: number): number;
}

const insertionsOnly: Schedule = {
  steps: fc.array(fc.constant<Step>('insert'), { minLength: 1, maxLength: MAX_POINTS, size: 'max' }),
  capacity: () => MAX_POINTS, // nothing is ever removed
};

const insertionsAndRemovals: Schedule = {
  steps: fc.array(fc.oneof({ arbitrary: fc.constant<Step>('insert'), weight: 3 }, { arbitrary: fc.constant<Step>('remove'), weight: 1 }), {
    minLength: 1,
    maxLength: MAX_POINTS,
    size: 'max',
  }),
  capacity: (layoutCapacity) => layoutCapacity,
};

/**
 * Points scattered along an arc so that a window of `capacity` holds about `density` of them per
 * eps-wide stretch: around the density where chains form and break, so that merges and splits are common.
 */
const chainLayout = fc.record({
  degrees: fc.double({ min: 2, max: 12, noNaN: true }),
  density: fc.double({ min: 1, max: 8, noNaN: true }),
  minPts: fc.integer({ min: 1, max: 5 }),
  capacity: fc.integer({ min: 3, max: 40 }),
  seed: fc.integer(),
});
type ChainLayout = typeof chainLayout extends fc.Arbitrary<infer T> ? T : never;

function chainAngles({ degrees, density, capacity, seed }: ChainLayout): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: MAX_POINTS }, () => (random() * 2 * degrees * capacity) / density);
}

function expectLikeBatch(vectors: Float32Array[], steps: Step[], options: { eps: number; minPts: number; capacity: number }): void {
  fc.pre(!hasBorderlinePair(similarityMatrix(vectors), options.eps));
  replayAgainstBatch(vectors, steps, options);
}

const onTheCircle = ({ steps, capacity }: Schedule) =>
  fc.property(chainLayout, steps, (layout, sequence) => {
    const eps = 1 - Math.cos((layout.degrees * Math.PI) / 180);
    expectLikeBatch(chainAngles(layout).map(onCircle), sequence, { eps, minPts: layout.minPts, capacity: capacity(layout.capacity) });
  });

const onAnArcIn512d = ({ steps, capacity }: Schedule) =>
  fc.property(chainLayout, steps, fc.double({ min: 2, max: 4, noNaN: true }), (layout, sequence, signal) => {
    const eps = 1 - (signal ** 2 * Math.cos((layout.degrees * Math.PI) / 180)) / (signal ** 2 + 1);
    const vectors = onNoisyArc(layout.seed, chainAngles(layout), 512, signal);
    expectLikeBatch(vectors, sequence, { eps, minPts: layout.minPts, capacity: capacity(layout.capacity) });
  });

const faceLikeIn512d = ({ steps, capacity }: Schedule) =>
  fc.property(
    fc.integer(),
    steps,
    fc.double({ min: 0.35, max: 0.65, noNaN: true }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 3, max: 50 }),
    (seed, sequence, eps, minPts, layoutCapacity) =>
      expectLikeBatch(faceLikeEmbeddings(seed, MAX_POINTS, 512), sequence, { eps, minPts, capacity: capacity(layoutCapacity) }),
  );

describe('IncrementalDbscan equals batch DBSCAN on the points in its window', () => {
  describe.each([
    ['after any insertions', insertionsOnly],
    ['after any insertions and removals of the oldest point, by hand or by a full window', insertionsAndRemovals],
  ])('%s', (_, schedule) => {
    it('in 2-d, points on the unit circle', () => {
      fc.assert(onTheCircle(schedule), { numRuns: 300 });
    });

    it('in 512-d, noisy chains along an arc', () => {
      fc.assert(onAnArcIn512d(schedule), { numRuns: 100 });
    });

    it('in 512-d, face-like clusters with blends and noise', () => {
      fc.assert(faceLikeIn512d(schedule), { numRuns: 100 });
    });
  });
});
