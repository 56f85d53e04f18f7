import { applyAffine, type Affine } from '../image/affine.js';
import type { RgbImage } from '../image/rgb-image.js';
import { warpAffine } from '../image/warp.js';
import type { Point } from './geometry.js';
import { fivePointsArray, type FivePoints } from './landmarks.js';

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) taking
 * `from` onto `to` (Umeyama 1991).
 */
export function similarityTransform(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new TypeError(`need two matching point lists of at least 2 points, got ${n} and ${to.length}`);
  let mx = 0, my = 0, ux = 0, uy = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i][0];
    my += from[i][1];
    ux += to[i][0];
    uy += to[i][1];
  }
  mx /= n; my /= n; ux /= n; uy /= n;
  // With centred points a (from) and b (to), the optimal [s cos, s sin] solve a 2x2 system whose
  // closed form is: s cos = sum(a.b) / |a|^2, s sin = sum(a x b) / |a|^2.
  let dotSum = 0, crossSum = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i][0] - mx, ay = from[i][1] - my;
    const bx = to[i][0] - ux, by = to[i][1] - uy;
    dotSum += ax * bx + ay * by;
    crossSum += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  if (norm === 0) throw new RangeError('points to align are all the same');
  const a = dotSum / norm, b = crossSum / norm;
  return [a, -b, ux - (a * mx - b * my), b, a, uy - (b * mx + a * my)];
}

/** ArcFace's five reference points in a 112x112 crop (insightface). */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export interface AlignedFace {
  readonly image: RgbImage;
  /** Frame pixels -> crop pixels. */
  readonly transform: Affine;
}

export function alignToArcFace(frame: RgbImage, points: FivePoints): AlignedFace {
  const transform = similarityTransform(fivePointsArray(points), ARCFACE_TEMPLATE_112);
  return { image: warpAffine(frame, transform, 112, 112), transform };
}

/**
 * The paper's crop: eyes level, 70 px apart, in a 224x224 picture. The eye line sits at y = 96, a
 * height that centres a typical face (hairline to chin about 2.2 eye distances) in the crop.
 */
export const EYE_CROP = { size: 224, eyeDistance: 70, eyeLineY: 96 } as const;

/** Where the eyes land in the eye-aligned crop. */
export const EYE_CROP_EYES: readonly [Point, Point] = [
  [EYE_CROP.size / 2 - EYE_CROP.eyeDistance / 2, EYE_CROP.eyeLineY],
  [EYE_CROP.size / 2 + EYE_CROP.eyeDistance / 2, EYE_CROP.eyeLineY],
];

export function alignEyes(frame: RgbImage, points: FivePoints): AlignedFace {
  const transform = similarityTransform([points.leftEye, points.rightEye], EYE_CROP_EYES);
  return { image: warpAffine(frame, transform, EYE_CROP.size, EYE_CROP.size), transform };
}

export function mapPoint(transform: Affine, p: Point): Point {
  return applyAffine(transform, p[0], p[1]);
}
