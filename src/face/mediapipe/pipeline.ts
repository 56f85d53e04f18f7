import { FACE_DETECTOR_INPUT } from './image-to-tensor.js';
import { imageToTensorGeometry } from './crop-transform.js';
import { decodeDetections, FACE_DETECTOR_DECODE_OPTIONS, projectDetection, type Detection } from './detections.js';
import { detectionToRect, FACE_DETECTOR_RECT_ROTATION, FACE_DETECTOR_RECT_TRANSFORM, faceRectFromLandmarks, transformRect } from './face-roi.js';
import { facePresenceScore, faceLandmarksFromTensor, FACE_PRESENCE_THRESHOLD, isFacePresent } from './landmarks.js';
import type { NormalizedRect } from './rects.js';
import { faceDetectorAnchors } from './ssd-anchors.js';
import { FACE_LANDMARKER_NMS, weightedNonMaxSuppression } from './weighted-nms.js';

/**
 * The face landmarker's post-processing chains, node for node as the MediaPipe graphs wire them.
 */

export interface FaceDetectorPostprocessOptions {
  /** `min_detection_confidence`; default 0.5. */
  readonly minDetectionConfidence?: number;
  /** `min_suppression_threshold`; default 0.5 (the FaceLandmarker's; the FaceDetector task uses 0.3). */
  readonly minSuppressionThreshold?: number;
  /** `num_faces`; default 1. */
  readonly numFaces?: number;
  /** The NORM_RECT the detector's input was cut from; default the whole image. */
  readonly rect?: NormalizedRect;
}

export interface FaceDetectorOutputs {
  /** DETECTIONS: normalised to the image, best first (pixel units are x * width, y * height). */
  readonly detections: Detection[];
  /** FACE_RECTS: DetectionsToRects with the eyes level. */
  readonly faceRects: NormalizedRect[];
  /** EXPANDED_FACE_RECTS: the same 1.5x, the landmark model's ROIs. */
  readonly expandedFaceRects: NormalizedRect[];
}

/**
 * `FaceDetectorGraph` (face_detector_graph.cc) after inference: TensorsToDetections, weighted NMS
 * (in the 128x128 input's coordinates), DetectionProjection through the letterbox MATRIX,
 * ClipDetectionVectorSize (num_faces), DetectionsToRects, RectTransformation.
 */
export function faceDetectorPostprocess(
  regressors: ArrayLike<number>,
  classificators: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  options: FaceDetectorPostprocessOptions = {},
): FaceDetectorOutputs {
  const decoded = decodeDetections(regressors, classificators, faceDetectorAnchors(), {
    ...FACE_DETECTOR_DECODE_OPTIONS,
    minScoreThresh: options.minDetectionConfidence ?? FACE_DETECTOR_DECODE_OPTIONS.minScoreThresh,
  });
  const kept = weightedNonMaxSuppression(decoded, { minSuppressionThreshold: options.minSuppressionThreshold ?? FACE_LANDMARKER_NMS.minSuppressionThreshold });
  const { matrix } = imageToTensorGeometry(imageWidth, imageHeight, options.rect, FACE_DETECTOR_INPUT.width, FACE_DETECTOR_INPUT.height, FACE_DETECTOR_INPUT.keepAspectRatio);
  const detections = kept.map((d) => projectDetection(d, matrix)).slice(0, options.numFaces ?? 1);
  const faceRects = detections.map((d) => detectionToRect(d, imageWidth, imageHeight, FACE_DETECTOR_RECT_ROTATION));
  const expandedFaceRects = faceRects.map((r) => transformRect(r, imageWidth, imageHeight, FACE_DETECTOR_RECT_TRANSFORM));
  return { detections, faceRects, expandedFaceRects };
}

export interface FaceLandmarksOutputs {
  /** Sigmoid of the presence logit. */
  readonly presenceScore: number;
  /** presenceScore > threshold; when false MediaPipe emits no landmarks and no next rect. */
  readonly present: boolean;
  /** 478 x (x, y, z) normalised to the image; computed even when absent, for inspection. */
  readonly landmarks: Float32Array;
  /** FACE_RECT_NEXT_FRAME; undefined when the face is absent. */
  readonly nextRect: NormalizedRect | undefined;
}

/**
 * `SingleFaceLandmarksDetectorGraph` (face_landmarks_detector_graph.cc) after inference for one
 * ROI: TensorsToFaceLandmarks, letterbox removal (identity here), LandmarkProjection, presence
 * (sigmoid, threshold), and the next frame's ROI.
 */
export function faceLandmarksPostprocess(
  landmarkTensor: ArrayLike<number>,
  presenceLogit: number,
  rect: NormalizedRect,
  imageWidth: number,
  imageHeight: number,
  minPresence = FACE_PRESENCE_THRESHOLD,
): FaceLandmarksOutputs {
  const presenceScore = facePresenceScore(presenceLogit);
  const present = isFacePresent(presenceScore, minPresence);
  const landmarks = faceLandmarksFromTensor(landmarkTensor, rect);
  return { presenceScore, present, landmarks, nextRect: present ? faceRectFromLandmarks(landmarks, imageWidth, imageHeight) : undefined };
}
