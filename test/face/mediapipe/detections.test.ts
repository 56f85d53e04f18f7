import { describe, expect, it } from 'vitest';
import { imageToTensorGeometry } from '../../../src/face/mediapipe/crop-transform.js';
import { decodeDetections, FACE_DETECTOR_DECODE_OPTIONS, projectDetection } from '../../../src/face/mediapipe/detections.js';
import { ANCHOR_STRIDE, faceDetectorAnchors } from '../../../src/face/mediapipe/ssd-anchors.js';

const anchors = faceDetectorAnchors();
const logit = (p: number): number => Math.log(p / (1 - p));

/** Raw outputs where only `box` fires, with a face given in the 128x128 input's pixels. */
function syntheticOutputs(box: number, face: { cx: number; cy: number; w: number; h: number; keypoints: number[][] }, score: number) {
  const regressors = new Float32Array(896 * 16);
  const classificators = new Float32Array(896).fill(-1000); // clipped to -100: sigmoid ~ 0
  const ax = anchors[box * ANCHOR_STRIDE] * 128, ay = anchors[box * ANCHOR_STRIDE + 1] * 128;
  // Offsets from the anchor centre and sizes, in input pixels (x_scale = w_scale = 128, anchor w = h = 1).
  regressors.set([face.cx - ax, face.cy - ay, face.w, face.h], box * 16);
  face.keypoints.forEach(([x, y], k) => regressors.set([x - ax, y - ay], box * 16 + 4 + 2 * k));
  classificators[box] = logit(score);
  return { regressors, classificators };
}

const face = { cx: 70, cy: 60, w: 40, h: 44, keypoints: [[60, 52], [80, 52], [70, 62], [70, 72], [50, 56], [90, 56]] };

describe('decodeDetections', () => {
  it('decodes one firing anchor to its box, keypoints and score, normalised to the input', () => {
    const { regressors, classificators } = syntheticOutputs(600, face, 0.9);
    const [d, ...rest] = decodeDetections(regressors, classificators, anchors);
    expect(rest).toHaveLength(0);
    expect(d.score).toBeCloseTo(0.9, 6);
    expect(d.xMin).toBeCloseTo(50 / 128, 6);
    expect(d.yMin).toBeCloseTo(38 / 128, 6);
    expect(d.width).toBeCloseTo(40 / 128, 6);
    expect(d.height).toBeCloseTo(44 / 128, 6);
    face.keypoints.forEach(([x, y], k) => {
      expect(d.keypoints[2 * k]).toBeCloseTo(x / 128, 6);
      expect(d.keypoints[2 * k + 1]).toBeCloseTo(y / 128, 6);
    });
  });

  it('keeps scores at the threshold, drops those below, and clips raw scores at +-100', () => {
    const { regressors, classificators } = syntheticOutputs(10, face, 0.5);
    expect(decodeDetections(regressors, classificators, anchors)).toHaveLength(1);
    expect(decodeDetections(regressors, classificators, anchors, { ...FACE_DETECTOR_DECODE_OPTIONS, minScoreThresh: 0.51 })).toHaveLength(0);
    const all = decodeDetections(regressors, classificators, anchors, { ...FACE_DETECTOR_DECODE_OPTIONS, minScoreThresh: undefined });
    expect(all).toHaveLength(896);
    expect(all[0].score).toBeCloseTo(1 / (1 + Math.exp(100)), 50);
  });

  it('drops boxes of negative size', () => {
    const { regressors, classificators } = syntheticOutputs(10, { ...face, w: -4 }, 0.9);
    expect(decodeDetections(regressors, classificators, anchors)).toHaveLength(0);
  });

  it('refuses short tensors', () => {
    expect(() => decodeDetections(new Float32Array(10), new Float32Array(896), anchors)).toThrow(TypeError);
  });
});

describe('projectDetection through the letterbox', () => {
  it('takes a detection from the 128x128 letterboxed input to a 640x480 image', () => {
    // 640x480 letterboxed into 128x128: scale 0.2, 16 px bars above and below (padding 0.125).
    const geometry = imageToTensorGeometry(640, 480, undefined, 128, 128, true);
    expect(geometry.padding).toEqual([0, 0.125, 0, 0.125]);
    const { regressors, classificators } = syntheticOutputs(600, face, 0.9);
    const d = projectDetection(decodeDetections(regressors, classificators, anchors)[0], geometry.matrix);
    // Input pixel (x, y) is image pixel (x / 0.2, (y - 16) / 0.2).
    expect(d.xMin * 640).toBeCloseTo(50 / 0.2, 3);
    expect(d.yMin * 480).toBeCloseTo((38 - 16) / 0.2, 3);
    expect(d.width * 640).toBeCloseTo(40 / 0.2, 3);
    expect(d.height * 480).toBeCloseTo(44 / 0.2, 3);
    face.keypoints.forEach(([x, y], k) => {
      expect(d.keypoints[2 * k] * 640).toBeCloseTo(x / 0.2, 3);
      expect(d.keypoints[2 * k + 1] * 480).toBeCloseTo((y - 16) / 0.2, 3);
    });
    expect(d.score).toBeCloseTo(0.9, 6);
  });
});
