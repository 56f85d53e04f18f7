import type { FaceQuality, LocatedFace } from '../face/analyser.js';
import { largestFace, type FaceDetection } from '../face/detect.js';
import { intersectionOverUnion, type Box } from '../face/geometry.js';
import type { RgbImage } from '../image/rgb-image.js';
import { NoFaceError } from './errors.js';
import type { ExpressionSpace } from './expression-space.js';

/**
 * What a relative reference was read against: the resting face of people in general (one photo
 * of someone never seen), a second photo of the same person at rest, or the person's own resting
 * face as Mien tracked it (a face on screen). 'none' for embeddings that read faces alone.
 */
export type ReferenceRest = 'none' | 'population' | 'rest-photo' | 'own-track';

/** The face a custom expression is made from, ready to store. */
export interface ReferenceFace {
  readonly box: Box;
  readonly embedding: Float32Array;
  readonly embeddingModel: string;
  readonly rest: ReferenceRest;
  /** The eye-aligned crop of the face. */
  readonly crop: RgbImage;
  /** FaceQA's view of it: callers may warn about a blurred or turned reference. */
  readonly quality: FaceQuality;
}

/** For a relative space, what to read a photo's face against: the population's rest, or a photo of the same person at rest. */
export type PhotoRest = { readonly kind: 'population'; readonly rest: ArrayLike<number> } | { readonly kind: 'rest-photo'; readonly image: RgbImage };

/**
 * Picks the reference face in a picture (the one overlapping `chosen` best, else the largest) and
 * embeds it in `space`; in a relative space against `rest` (required there). Throws NoFaceError
 * when there is no face (in the picture or in the rest photo).
 */
export async function referenceFace(space: ExpressionSpace, image: RgbImage, options: { chosen?: Box; rest?: PhotoRest } = {}): Promise<ReferenceFace> {
  const face = await locateIn(space, image, options.chosen, 'the picture');
  const [measured] = await space.measure([face]);
  const common = { box: face.detection.box, embeddingModel: space.kind.name, crop: face.eyeCrop.image, quality: face.quality };
  if (!space.relative) return { ...common, embedding: space.embed(measured), rest: 'none' };
  const { rest } = options;
  if (!rest) throw new TypeError('a relative expression space reads a reference against a resting face: give one');
  if (rest.kind === 'population') return { ...common, embedding: space.embed(measured, rest.rest), rest: 'population' };
  const [atRest] = await space.measure([await locateIn(space, rest.image, undefined, 'the photo at rest')]);
  return { ...common, embedding: space.embed(measured, atRest.features), rest: 'rest-photo' };
}

async function locateIn(space: ExpressionSpace, image: RgbImage, chosen: Box | undefined, what: string): Promise<LocatedFace> {
  const [faces] = await space.core.detect([image]);
  const detection = chosen ? closestTo(faces, chosen) : largestFace(faces);
  if (!detection) throw new NoFaceError(chosen ? `no face found in the chosen box of ${what}` : `no face found in ${what}`);
  const [face] = await space.core.locate([{ frame: image, detection }]);
  return face;
}

function closestTo(faces: readonly FaceDetection[], chosen: Box): FaceDetection | undefined {
  const best = [...faces].sort((a, b) => intersectionOverUnion(b.box, chosen) - intersectionOverUnion(a.box, chosen))[0] as FaceDetection | undefined;
  return best && intersectionOverUnion(best.box, chosen) > 0.3 ? best : undefined;
}
