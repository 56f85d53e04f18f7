import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../src/image/affine.js';
import { imageToCropAffine, rotatedSubRectToRectMatrix } from '../../../src/face/mediapipe/crop-transform.js';
import {
  decodeLandmarks,
  faceLandmarksFromTensor,
  facePresenceScore,
  isFacePresent,
  landmarksToPixels,
  projectLandmarks,
  projectLandmarksWithMatrix,
  removeLetterbox,
} from '../../../src/face/mediapipe/landmarks.js';
import { toRotatedRect, type NormalizedRect } from '../../../src/face/mediapipe/rects.js';

const W = 640, H = 480;
/** A ROI square in pixels (200 x 200), rotated by -20 degrees, as tracking produces. */
const square: NormalizedRect = { xCenter: 300 / W, yCenter: 220 / H, width: 200 / W, height: 200 / H, rotation: (-20 * Math.PI) / 180 };

/** Image points -> the raw tensor the model would emit for them in `rect`'s 256x256 crop. */
function rawTensorFor(points: number[][], rect: NormalizedRect): Float32Array {
  const toCrop = imageToCropAffine(toRotatedRect(rect, W, H), 256, 256);
  const raw = new Float32Array(478 * 3);
  points.forEach(([x, y, zPx], i) => {
    const [u, v] = applyAffine(toCrop, x, y);
    raw.set([u, v, (zPx * 256) / (rect.width * W)], 3 * i); // z in crop pixels, scaled like x
  });
  return raw;
}

describe('decodeLandmarks', () => {
  it('divides x, y by the input size and z by the input width', () => {
    const raw = new Float32Array(1434);
    raw.set([128, 64, -32], 3 * 5);
    const lm = decodeLandmarks(raw);
    expect(lm.length).toBe(1434);
    expect(Array.from(lm.subarray(15, 18))).toEqual([0.5, 0.25, -0.125]);
  });
});

describe('landmark projection', () => {
  it('takes crop landmarks back to the image within 1e-6 px, z scaled by the ROI width', () => {
    const points = Array.from({ length: 478 }, (_, i) => [230 + (i % 23) * 6.1, 150 + Math.floor(i / 23) * 6.7, -20 + (i % 11)]);
    const lm = landmarksToPixels(faceLandmarksFromTensor(rawTensorFor(points, square), square), W, H);
    let worst = 0;
    points.forEach(([x, y, z], i) => {
      worst = Math.max(worst, Math.abs(lm[3 * i] - x), Math.abs(lm[3 * i + 1] - y), Math.abs(lm[3 * i + 2] - z));
    });
    expect(worst).toBeLessThan(1e-3); // float32 storage of ~300 px values
    // Exactly: raw z / 256 * ROI width in normalised units.
    const raw = new Float32Array(1434);
    raw[2] = 64;
    expect(faceLandmarksFromTensor(raw, square)[2]).toBeCloseTo((64 / 256) * square.width, 7);
  });

  it('maps the crop centre to the ROI centre and the crop x axis along the rotation', () => {
    const lm = projectLandmarks(Float32Array.from([0.5, 0.5, 0, 1, 0.5, 0]), square);
    expect(lm[0]).toBeCloseTo(square.xCenter, 6);
    expect(lm[1]).toBeCloseTo(square.yCenter, 6);
    const dx = (lm[3] - lm[0]) * W, dy = (lm[4] - lm[1]) * H;
    expect(Math.atan2(dy, dx)).toBeCloseTo(square.rotation, 5);
    expect(Math.hypot(dx, dy)).toBeCloseTo(100, 3);
  });

  it('puts x, y where the exact matrix projection does for a ROI square in pixels, not for a stretched one', () => {
    const lm = Float32Array.from([0.1, 0.2, 0.05, 0.9, 0.7, -0.1, 0.5, 0.5, 0]);
    const matrixOf = (r: NormalizedRect): Float64Array => rotatedSubRectToRectMatrix(toRotatedRect(r, W, H), W, H);
    const a = projectLandmarks(lm, square), b = projectLandmarksWithMatrix(lm, matrixOf(square));
    // z differs: the matrix path scales it by the projected unit segment, which mixes W and H.
    for (let i = 0; i < lm.length; i++) if (i % 3 !== 2) expect(a[i]).toBeCloseTo(b[i], 6);
    const stretched = { ...square, height: 300 / H };
    const c = projectLandmarks(lm, stretched), d = projectLandmarksWithMatrix(lm, matrixOf(stretched));
    expect(Math.abs(c[0] - d[0]) * W).toBeGreaterThan(1);
  });

  it('removes letterbox padding, z like x, and is the identity for none', () => {
    const lm = Float32Array.from([0.5, 0.25, 0.1]);
    expect(removeLetterbox(lm, [0, 0, 0, 0])).toEqual(lm);
    const out = removeLetterbox(lm, [0.1, 0.125, 0.1, 0.125]);
    expect(out[0]).toBeCloseTo(0.5, 6);
    expect(out[1]).toBeCloseTo(0.125 / 0.75, 6);
    expect(out[2]).toBeCloseTo(0.1 / 0.8, 6);
  });
});

describe('face presence', () => {
  it('is the sigmoid of the logit, present strictly above the threshold', () => {
    expect(facePresenceScore(0)).toBe(0.5);
    expect(isFacePresent(facePresenceScore(0))).toBe(false);
    expect(isFacePresent(facePresenceScore(0.01))).toBe(true);
    expect(facePresenceScore(3)).toBeCloseTo(1 / (1 + Math.exp(-3)), 12);
  });
});
