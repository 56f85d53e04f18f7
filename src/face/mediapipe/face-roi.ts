import type { Detection } from './detections.js';
import { normalizeRadians, type NormalizedRect } from './rects.js';

/**
 * The face landmarker's regions of interest: from a detection (first frame, or IMAGE mode) and
 * from the previous frame's landmarks (VIDEO / LIVE_STREAM tracking).
 */

/** `DetectionsToRectsCalculatorOptions`' rotation: the vector start -> end keypoint is turned to `targetAngle`. */
export interface RectRotationRule {
  readonly startKeypoint: number;
  readonly endKeypoint: number;
  /** Radians, counter-clockwise from +x. */
  readonly targetAngle: number;
}

/** `RectTransformationCalculatorOptions` (proto defaults: scale 1, no shift, no rotation, not square). */
export interface RectTransformRule {
  readonly scaleX?: number;
  readonly scaleY?: number;
  /** Extra rotation in radians, added before the shift. */
  readonly rotation?: number;
  /** Shifts along the rect's own axes, as fractions of its width and height. */
  readonly shiftX?: number;
  readonly shiftY?: number;
  /** Make the rect a square of its longer (or shorter) side, measured in pixels. */
  readonly squareLong?: boolean;
  readonly squareShort?: boolean;
}

/** face_detector_graph.cc `ConfigureDetectionsToRectsCalculator`: keypoint 0 -> 1 (the eyes) level. */
export const FACE_DETECTOR_RECT_ROTATION: RectRotationRule = { startKeypoint: 0, endKeypoint: 1, targetAngle: 0 };
/** face_detector_graph.cc `ConfigureRectTransformationCalculator`: 1.5x, not squared. */
export const FACE_DETECTOR_RECT_TRANSFORM: RectTransformRule = { scaleX: 1.5, scaleY: 1.5 };
/** face_landmarks_detector_graph.cc `ConfigureFaceDetectionsToRectsCalculator`: mesh points 33 -> 263 (outer eye corners) level. */
export const FACE_LANDMARKS_RECT_ROTATION: RectRotationRule = { startKeypoint: 33, endKeypoint: 263, targetAngle: 0 };
/** face_landmarks_detector_graph.cc `ConfigureFaceRectTransformationCalculator`: 1.5x of the longer side, square. */
export const FACE_LANDMARKS_RECT_TRANSFORM: RectTransformRule = { scaleX: 1.5, scaleY: 1.5, squareLong: true };

/**
 * `DetectionsToRectsCalculator::DetectionToNormalizedRect` + `ComputeRotation`
 * (`mediapipe/calculators/util/detections_to_rects_calculator.cc`): the box's centre and size,
 * rotated so that the start -> end keypoint vector (measured in pixels) reaches the target angle:
 * rotation = normalize(target - atan2(-(y1 - y0), x1 - x0)).
 */
export function detectionToRect(detection: Detection, imageWidth: number, imageHeight: number, rule?: RectRotationRule): NormalizedRect {
  const { xMin, yMin, width, height } = detection;
  let rotation = 0;
  if (rule) {
    const kp = detection.keypoints;
    if (2 * Math.max(rule.startKeypoint, rule.endKeypoint) + 1 >= kp.length) throw new RangeError('rotation keypoint out of range');
    const x0 = kp[2 * rule.startKeypoint] * imageWidth, y0 = kp[2 * rule.startKeypoint + 1] * imageHeight;
    const x1 = kp[2 * rule.endKeypoint] * imageWidth, y1 = kp[2 * rule.endKeypoint + 1] * imageHeight;
    rotation = normalizeRadians(rule.targetAngle - Math.atan2(-(y1 - y0), x1 - x0));
  }
  return { xCenter: xMin + width / 2, yCenter: yMin + height / 2, width, height, rotation };
}

/**
 * `RectTransformationCalculator::TransformNormalizedRect`
 * (`mediapipe/calculators/util/rect_transformation_calculator.cc`): optional extra rotation, a
 * shift along the rotated axes, squaring in pixels, then scaling.
 */
export function transformRect(rect: NormalizedRect, imageWidth: number, imageHeight: number, rule: RectTransformRule): NormalizedRect {
  let { width, height, rotation, xCenter, yCenter } = rect;
  if (rule.squareLong && rule.squareShort) throw new TypeError('squareLong and squareShort exclude each other');
  if (rule.rotation !== undefined) rotation = normalizeRadians(rotation + rule.rotation);
  const shiftX = rule.shiftX ?? 0, shiftY = rule.shiftY ?? 0;
  if (rotation === 0) {
    xCenter += width * shiftX;
    yCenter += height * shiftY;
  } else {
    // Shift in pixels along the rotated axes, then back to fractions of the image.
    xCenter += (imageWidth * width * shiftX * Math.cos(rotation) - imageHeight * height * shiftY * Math.sin(rotation)) / imageWidth;
    yCenter += (imageWidth * width * shiftX * Math.sin(rotation) + imageHeight * height * shiftY * Math.cos(rotation)) / imageHeight;
  }
  if (rule.squareLong || rule.squareShort) {
    const side = (rule.squareLong ? Math.max : Math.min)(width * imageWidth, height * imageHeight);
    width = side / imageWidth;
    height = side / imageHeight;
  }
  return { xCenter, yCenter, width: width * (rule.scaleX ?? 1), height: height * (rule.scaleY ?? 1), rotation };
}

/**
 * The landmark model's ROI from a face detection (normalised to the image): the detector graph's
 * EXPANDED_FACE_RECTS, DetectionsToRects with the eyes level, then 1.5x (face_detector_graph.cc).
 */
export function faceRectFromDetection(detection: Detection, imageWidth: number, imageHeight: number): NormalizedRect {
  const rect = detectionToRect(detection, imageWidth, imageHeight, FACE_DETECTOR_RECT_ROTATION);
  return transformRect(rect, imageWidth, imageHeight, FACE_DETECTOR_RECT_TRANSFORM);
}

/** FLT_MIN: LandmarksToDetection starts its maxima there (not at -FLT_MAX), a quirk kept as is. */
const FLT_MIN = 1.1754943508222875e-38;

/**
 * The next frame's ROI from this frame's landmarks (normalised to the image, x, y, z per point), as
 * face_landmarks_detector_graph.cc chains them: `LandmarksToDetectionCalculator` (the bounds of all
 * points), `DetectionsToRectsCalculator` (points 33 -> 263 level), `RectTransformationCalculator`
 * (1.5x the longer side, square in pixels). MediaPipe emits it only when the face is present.
 */
export function faceRectFromLandmarks(landmarks: ArrayLike<number>, imageWidth: number, imageHeight: number, stride = 3): NormalizedRect {
  const n = Math.floor(landmarks.length / stride);
  if (n === 0) throw new RangeError('no landmarks');
  let xMin = Number.MAX_VALUE, yMin = Number.MAX_VALUE, xMax = FLT_MIN, yMax = FLT_MIN;
  const keypoints = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = landmarks[i * stride], y = landmarks[i * stride + 1];
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
    keypoints[2 * i] = x;
    keypoints[2 * i + 1] = y;
  }
  const detection: Detection = { score: 1, xMin, yMin, width: xMax - xMin, height: yMax - yMin, keypoints };
  const rect = detectionToRect(detection, imageWidth, imageHeight, FACE_LANDMARKS_RECT_ROTATION);
  return transformRect(rect, imageWidth, imageHeight, FACE_LANDMARKS_RECT_TRANSFORM);
}

/** IoU of two rects taken axis-aligned (rotation ignored), as `AssociationNormRectCalculator` measures them. */
export function rectIou(a: NormalizedRect, b: NormalizedRect): number {
  const w = Math.min(a.xCenter + a.width / 2, b.xCenter + b.width / 2) - Math.max(a.xCenter - a.width / 2, b.xCenter - b.width / 2);
  const h = Math.min(a.yCenter + a.height / 2, b.yCenter + b.height / 2) - Math.max(a.yCenter - a.height / 2, b.yCenter - b.height / 2);
  if (w < 0 || h < 0) return 0;
  const intersection = w * h;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * How VIDEO / LIVE_STREAM mode merges tracked and detected ROIs: `AssociationCalculator`
 * (`mediapipe/calculators/util/association_calculator.h`) over [previous frame's rects, detector's
 * rects] with `min_similarity_threshold` = `min_tracking_confidence` (default 0.5,
 * face_landmarker_graph.cc). Each later element removes every kept element overlapping it by
 * IoU > threshold and is appended; the first non-empty list is also merged within itself.
 * The graph then keeps the first `num_faces`.
 */
export function associateRects(previous: readonly NormalizedRect[], detected: readonly NormalizedRect[], minSimilarity = 0.5): NormalizedRect[] {
  const result: NormalizedRect[] = [];
  const add = (rect: NormalizedRect): void => {
    for (let i = result.length - 1; i >= 0; i--) if (rectIou(rect, result[i]) > minSimilarity) result.splice(i, 1);
    result.push(rect);
  };
  // The first element of the first non-empty list goes in unchecked, the rest through `add`.
  for (const list of [previous, detected]) {
    for (const rect of list) {
      if (result.length === 0) result.push(rect);
      else add(rect);
    }
  }
  return result;
}
