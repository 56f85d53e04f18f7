import { BLENDSHAPE_NAMES } from '../face/mediapipe/blendshape-names.js';
import { EXPRESSION_LABELS } from '../models/expression.js';

/**
 * Mien's expression embedding where MediaPipe's Face Landmarker is provisioned: both what the face
 * does (52 blendshapes: brows, eyes, gaze, mouth) and what a classifier calls it (7 probabilities),
 * each read relative to the person's own resting face, so that who the person is drops out.
 *
 *   features  f = [live blendshapes (44), probabilities (7)]                      (51)
 *   embedding e = L2([ (f_b - r_b) / spread_b, (f_p - r_p) / spread_p, anchor ])  (52)
 *
 * r is the person's resting face (resting-face.ts). Each block is divided by how far a person's
 * faces stray from their own rest while they talk at rest (REST_SPREAD): the blocks then weigh by
 * how reliable they are, not by how many numbers they hold. The constant `anchor` makes rest a
 * place (the pole e = [0, ..., 0, 1]) instead of noise blown up by the normalisation: a face whose
 * deviation is as large as talking at rest lies 45 degrees from the pole, a broad smile far from
 * it, and deviations in one direction at any strength point the same way. Measured against the
 * classifier alone in docs/expression.md.
 */

/** Blendshapes MediaPipe's model never moves (sd < 0.001 over 600 fixture faces): they carry nothing. */
export const STATIC_BLENDSHAPES = ['_neutral', 'cheekPuff', 'cheekSquintLeft', 'cheekSquintRight', 'noseSneerLeft', 'noseSneerRight', 'jawForward', 'jawRight'] as const;

/** Indices (in BLENDSHAPE_NAMES) of the blendshapes the embedding reads, in model order. */
export const LIVE_BLENDSHAPES: readonly number[] = BLENDSHAPE_NAMES.flatMap((name, i) => ((STATIC_BLENDSHAPES as readonly string[]).includes(name) ? [] : [i]));

export const FEATURE_SIZE = LIVE_BLENDSHAPES.length + EXPRESSION_LABELS.length;
export const RELATIVE_EMBEDDING_SIZE = FEATURE_SIZE + 1;

/**
 * Mean distance of a person's faces from their own resting face while they talk, per block (the
 * six GRID speakers' frames at 5 fps, each against the median of their own; `npx tsx
 * bench/expression-relative.ts` prints it). Probabilities are FaceExpressionNet's on face-api's crop.
 */
export const REST_SPREAD = { blendshapes: 0.309, probabilities: 0.175 } as const;

/** A deviation at the talking-at-rest level in both blocks has norm about sqrt(2) once divided by REST_SPREAD. */
export const REST_ANCHOR = Math.SQRT2;

/**
 * The resting face of people in general, until Mien has seen some (resting-face.ts): per feature,
 * the median over 34 people at rest (MEDS mugshots and GRID speakers, each person's own median
 * first; bench/expression-relative.ts prints it). Live blendshapes in LIVE_BLENDSHAPES order, then
 * the 7 probabilities.
 */
export const POPULATION_REST_START: readonly number[] = [
  0.0919, 0.1432, 0.0043, 0.0347, 0.0174, 0.1599, 0.1023, 0.3173, 0.2942, 0.0253, 0.1142, 0.1563, 0.0426, 0.0351, 0.0241, 0.2747, 0.2298, 0.0069,
  0.0053, 0.0008, 0.0035, 0.0003, 0.003, 0.0036, 0.0004, 0.0005, 0.0029, 0.0016, 0.0003, 0.0002, 0.0233, 0.0252, 0.0317, 0.001, 0.0053, 0.0032,
  0.0187, 0.0367, 0.0012, 0.0018, 0.0017, 0.0016, 0.0005, 0.0007,
  0.0001, 0, 0, 0, 0, 0.0002, 0.996,
];

/** One face's features: its live blendshapes (of all 52), then its 7 probabilities. */
export function expressionFeatures(blendshapes: ArrayLike<number>, probabilities: ArrayLike<number>): Float32Array {
  if (blendshapes.length !== BLENDSHAPE_NAMES.length) throw new TypeError(`expected ${BLENDSHAPE_NAMES.length} blendshapes, got ${blendshapes.length}`);
  if (probabilities.length !== EXPRESSION_LABELS.length) throw new TypeError(`expected ${EXPRESSION_LABELS.length} probabilities, got ${probabilities.length}`);
  const out = new Float32Array(FEATURE_SIZE);
  LIVE_BLENDSHAPES.forEach((index, i) => (out[i] = blendshapes[index]));
  out.set(Array.from(probabilities), LIVE_BLENDSHAPES.length);
  return out;
}

/** The embedding of a face with `features` whose person rests at `rest` (both FEATURE_SIZE). */
export function relativeEmbedding(features: ArrayLike<number>, rest: ArrayLike<number>): Float32Array {
  const out = new Float32Array(RELATIVE_EMBEDDING_SIZE);
  const live = LIVE_BLENDSHAPES.length;
  let sum = REST_ANCHOR * REST_ANCHOR;
  for (let i = 0; i < FEATURE_SIZE; i++) {
    const v = (features[i] - rest[i]) / (i < live ? REST_SPREAD.blendshapes : REST_SPREAD.probabilities);
    out[i] = v;
    sum += v * v;
  }
  out[FEATURE_SIZE] = REST_ANCHOR;
  const norm = Math.sqrt(sum);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * How strongly a face shows a reference's expression, from their two relative embeddings: the
 * face's deviation from rest projected on the reference's, in units of the reference's (1: as
 * strong as the reference face; 0: at rest or unrelated). Deviations are recovered from the
 * embeddings through the anchor, so pooled embeddings serve as well.
 */
export function expressionIntensity(face: ArrayLike<number>, reference: ArrayLike<number>): number {
  const a = face[FEATURE_SIZE], b = reference[FEATURE_SIZE];
  if (!(a > 0 && b > 0)) return 0;
  let along = 0, length = 0;
  for (let i = 0; i < FEATURE_SIZE; i++) {
    along += face[i] * reference[i];
    length += reference[i] * reference[i];
  }
  // face_i / a and reference_i / b are the deviations over the anchor.
  return length === 0 ? 0 : Math.max(0, (along / (a * b)) / (length / (b * b)));
}
