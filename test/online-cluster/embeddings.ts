import { seededRandom } from '../../src/math/seeded-random.js';
import { l2Normalise } from '../../src/math/vector.js';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A random direction in `dimension` dimensions, unit length. */
export function randomUnit(random: () => number, dimension: number): Float64Array {
  return l2Normalise(Float64Array.from({ length: dimension }, () => gaussian(random)));
}

/** The point at `degrees` on the unit circle. */
export function onCircle(degrees: number): Float32Array {
  const radians = (degrees * Math.PI) / 180;
  return Float32Array.of(Math.cos(radians), Math.sin(radians));
}

/**
 * Points at `degrees` along a great circle of `dimension`-d space, each pushed off it by noise
 * of a random strength: the chains of the circle, with their merges and splits, in high dimension.
 * Similarities are about cos(angle) * signal^2 / (signal^2 + 1).
 */
export function onNoisyArc(seed: number, degrees: number[], dimension: number, signal: number): Float32Array[] {
  const random = seededRandom(seed);
  const a = randomUnit(random, dimension);
  const b = randomUnit(random, dimension);
  const bAlong = b.reduce((sum, x, i) => sum + x * a[i], 0);
  const across = l2Normalise(b.map((x, i) => x - bAlong * a[i])); // b made orthogonal to a
  return degrees.map((d) => {
    const radians = (d * Math.PI) / 180;
    const noise = randomUnit(random, dimension).map((x) => x * (0.7 + 0.6 * random()));
    return Float32Array.from(l2Normalise(a.map((x, i) => signal * (Math.cos(radians) * x + Math.sin(radians) * across[i]) + noise[i])));
  });
}

/**
 * Unit embeddings with the structure of faces of a few people: `people` random directions, each
 * with two nearby "sub-identities" (pose, lighting); most points sit at a random distance around
 * one of those, some blend two people (the bridges that merge clusters), some are pure noise.
 * Same-person similarities spread around 0.5, so eps from 0.4 to 0.6 cuts through the structure.
 */
export function faceLikeEmbeddings(seed: number, count: number, dimension: number, people = 3): Float32Array[] {
  const random = seededRandom(seed);
  const looks = Array.from({ length: people }, () => {
    const person = randomUnit(random, dimension);
    return [0, 1].map(() => {
      const wobble = randomUnit(random, dimension);
      return l2Normalise(person.map((x, i) => x + 0.6 * wobble[i]));
    });
  });
  const pick = () => looks[Math.floor(random() * people)][Math.floor(random() * 2)];
  return Array.from({ length: count }, () => {
    const kind = random();
    const noise = randomUnit(random, dimension);
    if (kind < 0.1) return Float32Array.from(noise);
    const strength = 0.8 + 1.2 * random();
    const [a, b] = [pick(), pick()];
    const mix = kind < 0.2 ? 0.5 : 1; // a blend of two looks, or one look
    return Float32Array.from(l2Normalise(a.map((x, i) => strength * (mix * x + (1 - mix) * b[i]) + noise[i])));
  });
}
