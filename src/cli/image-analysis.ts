import type { ExpressionSpace } from '../expression/expression-space.js';
import { POPULATION_REST_START } from '../expression/relative-embedding.js';
import type { FaceQuality } from '../face/analyser.js';
import type { Box, Point } from '../face/geometry.js';
import { fivePointsArray } from '../face/landmarks.js';
import type { RgbImage } from '../image/rgb-image.js';
import { EXPRESSION_LABELS, type ExpressionLabel, type ExpressionOutputs } from '../models/expression.js';
import type { HeadPose } from '../models/pose.js';

/** Everything the face core says about one face of a still picture. */
export interface ImageAnalysis {
  readonly box: Box;
  readonly score: number;
  readonly landmarks5: Point[];
  readonly quality: FaceQuality;
  readonly hopenet: HeadPose;
  readonly expression: ExpressionOutputs;
  /** Expression classes, most probable first. */
  readonly top: [ExpressionLabel, number][];
  readonly identityEmbedding?: Float32Array;
  readonly expressionEmbedding?: Float32Array;
}

/**
 * Runs every step of the face core on one picture (the live pipeline runs them as operators). A
 * picture's people were never seen: in a relative space their expressions are read against the
 * population's resting face, as a reference photo is.
 */
export async function analyseImage(space: ExpressionSpace, image: RgbImage, options: { embeddings?: boolean } = {}): Promise<ImageAnalysis[]> {
  const { core } = space;
  const [detections] = await core.detect([image]);
  const refs = detections.map((detection) => ({ frame: image, detection }));
  const located = await core.locate(refs);
  const [poses, measured, identities] = await Promise.all([
    core.headPose(refs),
    space.measure(located),
    options.embeddings ? core.identities(located) : Promise.resolve(undefined),
  ]);
  const expressions = measured.map((m) => m.outputs);
  return located.map((face, i) => ({
    box: face.detection.box,
    score: face.detection.score,
    landmarks5: fivePointsArray(face.points),
    quality: face.quality,
    hopenet: poses[i],
    expression: expressions[i],
    top: EXPRESSION_LABELS.map((label, k): [ExpressionLabel, number] => [label, expressions[i].probabilities[k]])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3),
    ...(identities && { identityEmbedding: identities[i], expressionEmbedding: space.embed(measured[i], space.relative ? POPULATION_REST_START : undefined) }),
  }));
}
