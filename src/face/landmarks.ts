import { applyAffine, invertAffine, type Affine } from '../image/affine.js';
import { boxHeight, boxWidth, type Box, type Point } from './geometry.js';

/**
 * The map from frame pixels to the landmark model's crop: the detection box (moved inside the
 * frame, as the model was trained) resized to the crop, or, with `angle`, the same box turned by
 * `angle` radians about its centre so that a tilted face reaches the model upright.
 */
export function landmarkCropTransform(box: Box, frame: { width: number; height: number }, crop: { width: number; height: number }, angle = 0): Affine {
  const width = Math.min(boxWidth(box), frame.width);
  const height = Math.min(boxHeight(box), frame.height);
  const sx = crop.width / width, sy = crop.height / height;
  if (angle === 0) {
    const x = Math.min(Math.max(box[0], 0), frame.width - width);
    const y = Math.min(Math.max(box[1], 0), frame.height - height);
    return [sx, 0, -x * sx, 0, sy, -y * sy];
  }
  const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
  const c = Math.cos(-angle), s = Math.sin(-angle);
  // Rotate by -angle about the box centre, then scale into the crop around its centre.
  return [
    sx * c, -sx * s, crop.width / 2 - sx * (c * cx - s * cy),
    sy * s, sy * c, crop.height / 2 - sy * (s * cx + c * cy),
  ];
}

/** Maps landmarks given as fractions of the crop (x0, y0, x1, y1, ...) back to frame pixels. */
export function landmarksInFrame(relative: ArrayLike<number>, toCrop: Affine, crop: { width: number; height: number }): Float32Array {
  const back = invertAffine(toCrop);
  const out = new Float32Array(relative.length);
  for (let i = 0; i < relative.length; i += 2) {
    const [x, y] = applyAffine(back, relative[i] * crop.width, relative[i + 1] * crop.height);
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

/** The five points, in this order, of ArcFace-style alignment. */
export interface FivePoints {
  /** Centre of the eye on the image's left (the subject's right eye). */
  readonly leftEye: Point;
  readonly rightEye: Point;
  readonly nose: Point;
  readonly mouthLeft: Point;
  readonly mouthRight: Point;
}

const mean = (l: ArrayLike<number>, idx: readonly number[]): Point => {
  let x = 0, y = 0;
  for (const i of idx) {
    x += l[2 * i];
    y += l[2 * i + 1];
  }
  return [x / idx.length, y / idx.length];
};

/**
 * Reduces the 68 iBUG points to five: each eye's centre from its four lid points (the corners,
 * 36/39 and 42/45, are left out as they drift with squinting), the nose tip (30), and each mouth
 * corner as the mean of its outer and inner corner (48/60, 54/64).
 */
export function fivePointsFrom68(l: ArrayLike<number>): FivePoints {
  if (l.length !== 136) throw new TypeError(`expected 68 landmarks (136 values), got ${l.length} values`);
  return {
    leftEye: mean(l, [37, 38, 40, 41]),
    rightEye: mean(l, [43, 44, 46, 47]),
    nose: [l[60], l[61]],
    mouthLeft: mean(l, [48, 60]),
    mouthRight: mean(l, [54, 64]),
  };
}

export function fivePointsArray(p: FivePoints): Point[] {
  return [p.leftEye, p.rightEye, p.nose, p.mouthLeft, p.mouthRight];
}

/** Angle of the line from the left eye to the right eye, radians, clockwise in the image. */
export function eyeLineAngle(p: FivePoints): number {
  return Math.atan2(p.rightEye[1] - p.leftEye[1], p.rightEye[0] - p.leftEye[0]);
}
