import { tripletAgrees } from '../src/expression-lab/fec.js';

/**
 * Cross-person triplet accuracy within `group`: for every ordered pair of people A, B, the triplets
 * (A smiling, B smiling, A neutral) and (A neutral, B neutral, A smiling), each right when the
 * first two are closer to each other than either is to the third.
 */
export function crossPersonAccuracy<F>(
  group: readonly string[],
  facesOf: (person: string) => { readonly neutral: F; readonly smiling: F },
  embed: (face: F) => ArrayLike<number>,
): number {
  let right = 0, all = 0;
  for (const a of group) {
    for (const b of group) {
      if (a === b) continue;
      const A = facesOf(a), B = facesOf(b);
      right += Number(tripletAgrees([embed(A.smiling), embed(B.smiling), embed(A.neutral)], 2)) + Number(tripletAgrees([embed(A.neutral), embed(B.neutral), embed(A.smiling)], 2));
      all += 2;
    }
  }
  return right / all;
}
