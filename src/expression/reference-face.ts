import type { FaceCore, FaceQuality } from '../face/analyzer.js';
import { largestFace, type FaceDetection } from '../face/detect.js';
import { intersectionOverUnion, type Box } from '../face/geometry.js';
import type { RgbImage } from '../image/rgb-image.js';
import { expressionEmbedding, expressionEmbeddingKind } from './embedding.js';

export class NoFaceError extends Error {
  override name = 'NoFaceError';
}

/** The face a custom expression is made from, ready to store. */
export interface ReferenceFace {
  readonly box: Box;
  readonly embedding: Float32Array;
  readonly embeddingModel: string;
  /** The eye-aligned crop the expression model read. */
  readonly crop: RgbImage;
  /** FaceQA's view of it: callers may warn about a blurred or turned reference. */
  readonly quality: FaceQuality;
}

/**
 * Picks the reference face in a picture (the one overlapping `chosen` best, else the largest)
 * and computes its expression embedding. Throws NoFaceError when there is none.
 */
export async function referenceFace(core: FaceCore, image: RgbImage, chosen?: Box): Promise<ReferenceFace> {
  const [faces] = await core.detect([image]);
  const detection = chosen ? closestTo(faces, chosen) : largestFace(faces);
  if (!detection) throw new NoFaceError(chosen ? 'no face found in the chosen box' : 'no face found in the picture');
  const [face] = await core.locate([{ frame: image, detection }]);
  const [outputs] = await core.expressions([face]);
  return {
    box: detection.box,
    embedding: expressionEmbedding(outputs),
    embeddingModel: expressionEmbeddingKind(core.models.expression.kind).name,
    crop: face.eyeCrop.image,
    quality: face.quality,
  };
}

function closestTo(faces: readonly FaceDetection[], chosen: Box): FaceDetection | undefined {
  const best = [...faces].sort((a, b) => intersectionOverUnion(b.box, chosen) - intersectionOverUnion(a.box, chosen))[0];
  return best && intersectionOverUnion(best.box, chosen) > 0.3 ? best : undefined;
}
