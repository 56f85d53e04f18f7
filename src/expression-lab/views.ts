import { EYE_CROP } from '../face/align.js';
import type { LocatedFace } from '../face/analyser.js';
import type { Affine } from '../image/affine.js';
import { createRgbImage, type RgbImage } from '../image/rgb-image.js';
import { warpAffine } from '../image/warp.js';

/**
 * Other views of a located face for the expression backbone: its mirror image (an expression reads
 * the same mirrored: `mien train-head` trains on both views), and slightly moved, turned and scaled
 * eye crops (tried as further training views in bench/expression.ts; they did not help).
 */
export function mirrored(image: RgbImage): RgbImage {
  const out = createRgbImage(image.width, image.height);
  const { width, data } = image;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0, row = y * width * 3; x < width; x++) {
      const from = row + x * 3, to = row + (width - 1 - x) * 3;
      out.data[to] = data[from];
      out.data[to + 1] = data[from + 1];
      out.data[to + 2] = data[from + 2];
    }
  }
  return out;
}

/** A small change of the eye-aligned crop: turned by `angle` radians and scaled about its centre, then shifted. */
export interface CropJitter {
  readonly angle: number;
  readonly scale: number;
  readonly dx: number;
  readonly dy: number;
}

/** Four jitters within what the landmark-based alignment itself varies by (about 3 px, 3 degrees, 4%). */
export const TRAINING_JITTERS: readonly CropJitter[] = [
  { angle: 0.05, scale: 1, dx: 0, dy: 0 },
  { angle: -0.05, scale: 1, dx: 0, dy: 0 },
  { angle: 0, scale: 1.06, dx: 3, dy: -3 },
  { angle: 0, scale: 0.94, dx: -3, dy: 3 },
];

export function jitteredEyeCrop(face: LocatedFace, { angle, scale, dx, dy }: CropJitter): RgbImage {
  const c = EYE_CROP.size / 2;
  const cos = Math.cos(angle) * scale, sin = Math.sin(angle) * scale;
  // J(p) = R S (p - centre) + centre + shift, applied after the frame -> crop alignment T.
  const [a, b, tx, d, e, ty] = face.eyeCrop.transform;
  const j: Affine = [cos, -sin, c - cos * c + sin * c + dx, sin, cos, c - sin * c - cos * c + dy];
  const composed: Affine = [
    j[0] * a + j[1] * d, j[0] * b + j[1] * e, j[0] * tx + j[1] * ty + j[2],
    j[3] * a + j[4] * d, j[3] * b + j[4] * e, j[3] * tx + j[4] * ty + j[5],
  ];
  return warpAffine(face.frame, composed, EYE_CROP.size, EYE_CROP.size);
}
