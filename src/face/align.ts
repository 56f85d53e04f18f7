import { applyAffine, type Affine } from '../image/affine.js';
import type { RgbImage } from '../image/rgb-image.js';
import { cropResize, warpAffine } from '../image/warp.js';
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

/**
 * The eye-aligned crop, drawn on first read of `image`: only DenseNet, thumbnails and reference
 * crops read it, and drawing it for every face took 3% of the main thread.
 */
export function alignEyes(frame: RgbImage, points: FivePoints): AlignedFace {
  const transform = similarityTransform([points.leftEye, points.rightEye], EYE_CROP_EYES);
  let image: RgbImage | undefined;
  return {
    transform,
    get image(): RgbImage {
      return (image ??= eyeCropAt(frame, transform, EYE_CROP.size));
    },
  };
}

/**
 * The eye-aligned crop drawn at `size` px square straight from the frame; `transform` is the
 * 224 px crop's (`alignEyes`). Thumbnails use it to skip the full-size crop.
 */
export function eyeCropAt(frame: RgbImage, transform: Affine, size: number): RgbImage {
  const s = size / EYE_CROP.size;
  const [a, b, c, d, e, f] = transform;
  return warpAffine(frame, [a * s, b * s, c * s, d * s, e * s, f * s], size, size);
}

export function mapPoint(transform: Affine, p: Point): Point {
  return applyAffine(transform, p[0], p[1]);
}

/**
 * An upright crop around the landmarks (frame pixels): their bounding box grown by `growth` of its
 * size, cut at the frame's edges, padded with black to a centred square, resized to size x size.
 * FaceExpressionNet's crop (face-api's alignedRect and toBatchTensor).
 */
export function landmarkBoxCrop(frame: RgbImage, landmarks: ArrayLike<number>, growth: number, size: number): RgbImage {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < landmarks.length; i += 2) {
    x0 = Math.min(x0, landmarks[i]);
    x1 = Math.max(x1, landmarks[i]);
    y0 = Math.min(y0, landmarks[i + 1]);
    y1 = Math.max(y1, landmarks[i + 1]);
  }
  const grow = growth / 2;
  const w = x1 - x0, h = y1 - y0;
  x0 = Math.max(0, x0 - grow * w);
  y0 = Math.max(0, y0 - grow * h);
  x1 = Math.min(frame.width, x1 + grow * w);
  y1 = Math.min(frame.height, y1 + grow * h);
  const side = Math.max(x1 - x0, y1 - y0);
  if (!(side > 0)) throw new RangeError('landmarks span no area');
  const left = x0 - (side - (x1 - x0)) / 2, top = y0 - (side - (y1 - y0)) / 2;
  const crop = cropResize(frame, left, top, side, side, size, size);
  // Black outside the box: the padding face-api adds, not the frame's pixels beside the face.
  const scale = size / side;
  const inside = (v: number, lo: number, hi: number): boolean => v + 0.5 >= lo && v + 0.5 <= hi;
  const [bx0, bx1, by0, by1] = [(x0 - left) * scale, (x1 - left) * scale, (y0 - top) * scale, (y1 - top) * scale];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inside(x, bx0, bx1) || !inside(y, by0, by1)) crop.data.fill(0, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  return crop;
}
