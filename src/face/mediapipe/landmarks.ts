import type { LetterboxPadding } from './crop-transform.js';
import type { NormalizedRect } from './rects.js';

/**
 * The landmark model's outputs -> 478 landmarks in the image, as face_landmarks_detector_graph.cc
 * chains TensorsToFaceLandmarksGraph, LandmarkLetterboxRemoval and LandmarkProjection, plus the
 * face-presence flag. Landmarks are packed x, y, z per point, like MediaPipe's
 * `NormalizedLandmark`: x, y normalised to the image; z in the same unit as x (image widths),
 * smaller towards the camera.
 */

/** 468 mesh points + 10 iris points (tensors_to_face_landmarks_graph.cc, kMeshWithIrisLandmarksNum). */
export const FACE_LANDMARK_COUNT = 478;

/** The landmark model's input size, which TensorsToLandmarks divides by (from the model metadata). */
export const FACE_LANDMARKS_INPUT_SIZE = 256;

/** `min_detection_confidence` of FaceLandmarksDetectorGraphOptions (web: minFacePresenceConfidence), default 0.5. */
export const FACE_PRESENCE_THRESHOLD = 0.5;

/**
 * `TensorsToLandmarksCalculator` with NORM_LANDMARKS (`mediapipe/calculators/tensor/tensors_to_landmarks_calculator.cc`),
 * as tensors_to_face_landmarks_graph.cc configures it (478 points, input 256x256, no flips):
 * x / inputWidth, y / inputHeight, z / inputWidth / normalizeZ (normalize_z default 1). The raw
 * tensor (`Identity` [1,1,1,1434]) holds x, y, z per point in input pixels.
 */
export function decodeLandmarks(
  raw: ArrayLike<number>,
  numLandmarks = FACE_LANDMARK_COUNT,
  inputWidth = FACE_LANDMARKS_INPUT_SIZE,
  inputHeight = FACE_LANDMARKS_INPUT_SIZE,
  normalizeZ = 1,
): Float32Array {
  const dims = Math.floor(raw.length / numLandmarks);
  if (dims < 1) throw new TypeError(`landmark tensor needs at least ${numLandmarks} values, got ${raw.length}`);
  const out = new Float32Array(numLandmarks * 3);
  for (let i = 0; i < numLandmarks; i++) {
    out[3 * i] = raw[i * dims] / inputWidth;
    out[3 * i + 1] = dims > 1 ? raw[i * dims + 1] / inputHeight : 0;
    out[3 * i + 2] = dims > 2 ? raw[i * dims + 2] / inputWidth / normalizeZ : 0;
  }
  return out;
}

/**
 * `LandmarkLetterboxRemovalCalculator` (`mediapipe/calculators/util/landmark_letterbox_removal_calculator.cc`):
 * undoes letterbox bars; z scales like x. The landmark crop is stretched, not letterboxed, so in
 * the face landmarker the padding is all zero and this is the identity.
 */
export function removeLetterbox(landmarks: Float32Array, padding: LetterboxPadding): Float32Array {
  const [left, top, right, bottom] = padding;
  const sx = 1 - left - right, sy = 1 - top - bottom;
  const out = new Float32Array(landmarks.length);
  for (let i = 0; i + 2 < landmarks.length; i += 3) {
    out[i] = (landmarks[i] - left) / sx;
    out[i + 1] = (landmarks[i + 1] - top) / sy;
    out[i + 2] = landmarks[i + 2] / sx;
  }
  return out;
}

/**
 * `LandmarkProjectionCalculator` given only NORM_RECT, as face_landmarks_detector_graph.cc wires it
 * (`mediapipe/calculators/util/landmark_projection_calculator.cc`): rotate (x - 0.5, y - 0.5) by the
 * rect's rotation in normalised units, scale by the rect's normalised width and height, add its
 * centre; z times the rect's normalised width. So z ends up raw z / 256 * ROI width / image width.
 * MediaPipe warns this is exact only for ROIs square in pixels (the tracking ROIs are; a
 * detector-derived ROI is nearly so); `projectLandmarksWithMatrix` is the exact map.
 */
export function projectLandmarks(landmarks: Float32Array, rect: NormalizedRect): Float32Array {
  const c = Math.cos(rect.rotation), s = Math.sin(rect.rotation);
  const out = new Float32Array(landmarks.length);
  for (let i = 0; i + 2 < landmarks.length; i += 3) {
    const x = landmarks[i] - 0.5, y = landmarks[i + 1] - 0.5;
    out[i] = (c * x - s * y) * rect.width + rect.xCenter;
    out[i + 1] = (s * x + c * y) * rect.height + rect.yCenter;
    out[i + 2] = landmarks[i + 2] * rect.width;
  }
  return out;
}

/**
 * LandmarkProjection's PROJECTION_MATRIX (or NORM_RECT + IMAGE_DIMENSIONS) path: x, y through the
 * 4x4 matrix of crop-transform.ts, z times the length of the projected unit x segment (in
 * normalised units, so on a non-square image with a rotated ROI z differs from `projectLandmarks`).
 * Not what the face landmarker graph uses; the geometrically exact x, y for any ROI.
 */
export function projectLandmarksWithMatrix(landmarks: Float32Array, matrix: ArrayLike<number>): Float32Array {
  const zScale = Math.hypot(matrix[0], matrix[4]);
  const out = new Float32Array(landmarks.length);
  for (let i = 0; i + 2 < landmarks.length; i += 3) {
    const x = landmarks[i], y = landmarks[i + 1], z = landmarks[i + 2];
    out[i] = x * matrix[0] + y * matrix[1] + z * matrix[2] + matrix[3];
    out[i + 1] = x * matrix[4] + y * matrix[5] + z * matrix[6] + matrix[7];
    out[i + 2] = z * zScale;
  }
  return out;
}

/**
 * The whole chain for one face: raw `Identity` tensor and the ROI the crop was cut from ->
 * 478 landmarks normalised to the image (what MediaPipe's FaceLandmarker returns).
 */
export function faceLandmarksFromTensor(raw: ArrayLike<number>, rect: NormalizedRect, padding: LetterboxPadding = [0, 0, 0, 0]): Float32Array {
  return projectLandmarks(removeLetterbox(decodeLandmarks(raw), padding), rect);
}

/** Normalised landmarks -> pixels: x * width, y * height, z * width (z shares x's scale). */
export function landmarksToPixels(landmarks: Float32Array, imageWidth: number, imageHeight: number): Float32Array {
  const out = new Float32Array(landmarks.length);
  for (let i = 0; i + 2 < landmarks.length; i += 3) {
    out[i] = landmarks[i] * imageWidth;
    out[i + 1] = landmarks[i + 1] * imageHeight;
    out[i + 2] = landmarks[i + 2] * imageWidth;
  }
  return out;
}

/**
 * Face presence from the model's `Identity_1` logit: `TensorsToFloatsCalculator` with SIGMOID.
 * (The graph's one LOGISTIC op feeds `Identity_2`, the tongue-out score; `Identity_1` is raw.)
 */
export function facePresenceScore(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

/** `ThresholdingCalculator`: present when the score is strictly above the threshold. */
export function isFacePresent(score: number, threshold = FACE_PRESENCE_THRESHOLD): boolean {
  return score > threshold;
}
