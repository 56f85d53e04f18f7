import { componentMedian } from '../math/vector.js';

/**
 * A person's resting face in expression-feature space, estimated from their own faces, so that an
 * expression can be read relative to it: resting faces differ between people by as much as a smile
 * does, and centring on each person's own rest takes that identity out (docs/expression.md).
 */

/** How the resting face is estimated from a person's samples. */
export type RestEstimator =
  /** Per coefficient, the median of every sample. */
  | { readonly kind: 'median' }
  /** Per coefficient, the median of the `fraction` of samples with the least activity. */
  | { readonly kind: 'least-active'; readonly fraction: number };

/** One face's features and how expressive it is (for `least-active`). */
export interface RestSample {
  readonly features: Float32Array;
  readonly activity: number;
}

/** The resting face of `samples` under `estimator`; throws on no samples. */
export function restingFace(samples: readonly RestSample[], estimator: RestEstimator): Float32Array {
  if (samples.length === 0) throw new RangeError('a resting face needs at least one sample');
  const chosen = estimator.kind === 'median' ? samples : leastActive(samples, estimator.fraction);
  return componentMedian(chosen.map((s) => s.features));
}

function leastActive(samples: readonly RestSample[], fraction: number): readonly RestSample[] {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must be in (0, 1], got ${fraction}`);
  const count = Math.max(1, Math.round(samples.length * fraction));
  return [...samples].sort((a, b) => a.activity - b.activity).slice(0, count);
}

/**
 * At most `capacity` samples spread evenly over everything pushed so far: when full, every other
 * one is dropped and from then on only every other new one is kept, and so on. Memory is bounded
 * for a track of any length, the whole history is represented, and the same pushes always keep the
 * same samples (no randomness: analysing a file twice gives the same result).
 */
export class EvenSample<T> {
  private readonly kept: T[] = [];
  private stride = 1;
  private seen = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
  }

  push(item: T): void {
    if (this.seen++ % this.stride !== 0) return;
    this.kept.push(item);
    if (this.kept.length < this.capacity) return;
    let write = 0;
    for (let read = 0; read < this.kept.length; read += 2) this.kept[write++] = this.kept[read];
    this.kept.length = write;
    this.stride *= 2;
  }

  /** Everything pushed, counted (not only what is kept). */
  get count(): number {
    return this.seen;
  }

  get items(): readonly T[] {
    return this.kept;
  }
}
