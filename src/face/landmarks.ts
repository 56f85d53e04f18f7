import { boxHeight, boxWidth, type Box, type Point } from './geometry.js';

/** The pixel region a landmark model sees for a face: the detection box, shifted inside the frame. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function landmarkRegion(box: Box, frameWidth: number, frameHeight: number): Region {
  const width = Math.min(boxWidth(box), frameWidth);
  const height = Math.min(boxHeight(box), frameHeight);
  const x = Math.min(Math.max(box[0], 0), frameWidth - width);
  const y = Math.min(Math.max(box[1], 0), frameHeight - height);
  return { x, y, width, height };
}

/** Maps landmarks given as fractions of `region` (x0, y0, x1, y1, ...) to frame pixels. */
export function landmarksInFrame(relative: ArrayLike<number>, region: Region): Float32Array {
  const out = new Float32Array(relative.length);
  for (let i = 0; i < relative.length; i += 2) {
    out[i] = region.x + relative[i] * region.width;
    out[i + 1] = region.y + relative[i + 1] * region.height;
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
