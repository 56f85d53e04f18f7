import { componentMedian } from '../math/vector.js';
import { LIVE_BLENDSHAPES } from './relative-embedding.js';

/**
 * A person's resting face in expression-feature space (relative-embedding.ts), estimated online
 * from their own accepted faces, so that an expression is read relative to it: resting faces
 * differ between people by as much as a smile does.
 */

/** How the resting face is estimated from a person's samples. */
export type RestEstimator =
  /** Per feature, the median of every sample. */
  | { readonly kind: 'median' }
  /** Per feature, the median of the `fraction` of samples whose blendshapes move least (their sum). */
  | { readonly kind: 'least-active'; readonly fraction: number };

/**
 * Mien's estimator: the plain median of the person's faces. The median of the half that moves
 * least did a little better on the CREMA-D man's one-shot tagging (mean AP 0.340 against 0.327, 29
 * London smile references of 34 against 28; bench/expression-relative.ts) but much worse on his
 * frames against London people (triplets 0.736 against 0.991, `mien eval-fec --people`): talking
 * moves the blendshapes' sum as much as a smile does, so "moves least" is not "at rest".
 */
export const DEFAULT_REST_ESTIMATOR: RestEstimator = { kind: 'median' };

/** The resting face of `samples` (expression features) under `estimator`; throws on none. */
export function restingFace(samples: readonly Float32Array[], estimator: RestEstimator): Float32Array {
  if (samples.length === 0) throw new RangeError('a resting face needs at least one sample');
  if (estimator.kind === 'median') return componentMedian(samples);
  const { fraction } = estimator;
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must be in (0, 1], got ${fraction}`);
  const activity = (s: Float32Array): number => {
    let sum = 0;
    for (let i = 0; i < LIVE_BLENDSHAPES.length; i++) sum += s[i];
    return sum;
  };
  const count = Math.max(1, Math.round(samples.length * fraction));
  return componentMedian([...samples].sort((a, b) => activity(a) - activity(b)).slice(0, count));
}

/**
 * At most `capacity` samples spread evenly over everything pushed so far: when full, every other
 * one is dropped and from then on only every other new one is kept, and so on. Memory is bounded
 * for a track of any length, the whole history is represented, and the same pushes always keep the
 * same samples (no randomness: analysing a file twice gives the same result).
 */
export class EvenSample<T> {
  private kept: T[] = [];
  private stride = 1;
  private seen = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
  }

  /** Whether `item` was kept. */
  push(item: T): boolean {
    if (this.seen++ % this.stride !== 0) return false;
    this.kept.push(item);
    if (this.kept.length >= this.capacity) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
    return true;
  }

  /** How many were pushed (not only kept). */
  get count(): number {
    return this.seen;
  }

  get items(): readonly T[] {
    return this.kept;
  }

  /** Takes in another sample's items, as if they had been pushed here (identities merged). */
  absorb(other: EvenSample<T>): void {
    for (const item of other.items) this.push(item);
  }
}

export interface RestingFacesOptions {
  /** The population's resting face before anyone is seen (POPULATION_REST_START). */
  readonly start: readonly number[];
  /** Default: DEFAULT_REST_ESTIMATOR. */
  readonly estimator?: RestEstimator;
  /** Samples kept per person. Default 256. */
  readonly capacity?: number;
  /**
   * A person's rest is the population's, moved towards their own estimate as their samples come:
   * weight n / (n + warmUp). Default 15 (3 s at 5 analysed frames a second).
   */
  readonly warmUp?: number;
  /** People remembered at most; those seen least recently are forgotten first. Default 10 000. */
  readonly maxPeople?: number;
}

interface Person {
  readonly samples: EvenSample<Float32Array>;
  /** Their own estimate, made again when a sample was kept since. */
  own: Float32Array | undefined;
  /** The last sample observed, to tell a repeat from a new observation. */
  last: Float32Array | undefined;
}

/** Enough people for the population's rest to be their median alone: fewer blend with the start. */
const POPULATION_PEOPLE = 3;
/** The population's median reads the most recent people only: bounded cost with any crowd. */
const POPULATION_SAMPLE = 256;

/**
 * The resting faces of the people an analysis sees, by identity, and of the population: the start
 * value moved towards the median of the resting faces of everyone seen for long enough.
 */
export class RestingFaces {
  private readonly people = new Map<number, Person>();
  private population: Float32Array | undefined;
  private readonly estimator: RestEstimator;
  private readonly capacity: number;
  private readonly warmUp: number;
  private readonly maxPeople: number;
  private readonly start: Float32Array;

  constructor(options: RestingFacesOptions) {
    this.start = Float32Array.from(options.start);
    this.estimator = options.estimator ?? DEFAULT_REST_ESTIMATOR;
    this.capacity = options.capacity ?? 256;
    this.warmUp = options.warmUp ?? 15;
    this.maxPeople = options.maxPeople ?? 10_000;
  }

  /**
   * Adds one of the person's accepted faces (its expression features). The same measurement again
   * is no new observation: a still picture shown as a camera, however many frames, is one face,
   * and its expression is read against the population's rest as a photo's would be.
   */
  observe(identity: number, features: Float32Array): void {
    let person = this.people.get(identity);
    if (person) this.people.delete(identity);
    else person = { samples: new EvenSample(this.capacity), own: undefined, last: undefined };
    this.people.set(identity, person);
    if (this.people.size > this.maxPeople) this.people.delete(this.people.keys().next().value!);
    if (person.last && sameMeasurement(person.last, features)) return;
    person.last = features;
    if (person.samples.push(features)) person.own = undefined;
    this.population = undefined;
  }

  /** The person's resting face now; the population's for a face of no known person. */
  restOf(identity: number | undefined): Float32Array {
    const person = identity === undefined ? undefined : this.people.get(identity);
    const population = this.populationRest();
    if (!person || person.samples.count === 0) return population;
    const own = (person.own ??= restingFace(person.samples.items, this.estimator));
    const weight = person.samples.count / (person.samples.count + this.warmUp);
    return blend(own, population, weight);
  }

  /** The resting face of people in general: what a reference photo of someone never seen is read against. */
  populationRest(): Float32Array {
    if (this.population) return this.population;
    const settled = [...this.people.values()].filter((p) => p.samples.count >= this.warmUp).slice(-POPULATION_SAMPLE);
    const rests = settled.map((p) => (p.own ??= restingFace(p.samples.items, this.estimator)));
    this.population = rests.length === 0 ? this.start : blend(componentMedian(rests), this.start, rests.length / (rests.length + POPULATION_PEOPLE));
    return this.population;
  }

  /** Identities `from` became `into`: their samples join the survivor's. */
  merge(from: readonly number[], into: number): void {
    for (const id of from) {
      const absorbed = this.people.get(id);
      this.people.delete(id);
      if (!absorbed) continue;
      const survivor = this.people.get(into);
      if (!survivor) this.people.set(into, absorbed);
      else {
        survivor.samples.absorb(absorbed.samples);
        survivor.own = undefined;
      }
    }
    this.population = undefined;
  }
}

/** Models give the same features for the same pixels, up to float rounding. */
function sameMeasurement(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-6) return false;
  return true;
}

function blend(own: Float32Array, other: Float32Array, weight: number): Float32Array {
  const out = new Float32Array(own.length);
  for (let i = 0; i < own.length; i++) out[i] = weight * own[i] + (1 - weight) * other[i];
  return out;
}
