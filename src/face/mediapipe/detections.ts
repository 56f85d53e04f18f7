import { ANCHOR_STRIDE } from './ssd-anchors.js';

/**
 * A detection as MediaPipe's `Detection` with `RELATIVE_BOUNDING_BOX` location data: a box and
 * keypoints normalised to some frame (the model input, or the image after projection).
 */
export interface Detection {
  /** Face probability (after the sigmoid). */
  readonly score: number;
  readonly xMin: number;
  readonly yMin: number;
  readonly width: number;
  readonly height: number;
  /** Packed (x, y) per keypoint, normalised like the box. */
  readonly keypoints: Float32Array;
}

/**
 * BlazeFace's six keypoints, in model order (MediaPipe's `FaceKeypoint`: the person's right eye
 * first, so it lies on the image's left for an upright face seen from the front).
 */
export const FACE_DETECTOR_KEYPOINTS = ['rightEye', 'leftEye', 'noseTip', 'mouthCenter', 'rightEarTragion', 'leftEarTragion'] as const;

/** The `TensorsToDetectionsCalculatorOptions` fields that decoding reads. */
export interface DetectionDecodeOptions {
  readonly numBoxes: number;
  readonly numClasses: number;
  readonly numCoords: number;
  readonly boxCoordOffset: number;
  readonly keypointCoordOffset: number;
  readonly numKeypoints: number;
  /** Box layout in the regressors: `reverse_output_order: true` means x, y, w, h. */
  readonly boxFormat: 'xywh' | 'yxhw';
  readonly xScale: number;
  readonly yScale: number;
  readonly wScale: number;
  readonly hScale: number;
  readonly applyExponentialOnBoxSize: boolean;
  readonly sigmoidScore: boolean;
  /** Raw scores are clamped to +-this before the sigmoid; undefined: no clamp. */
  readonly scoreClippingThresh?: number;
  /** Detections scoring below this are dropped; undefined: none are. */
  readonly minScoreThresh?: number;
}

/**
 * BlazeFace short range: `ConfigureTensorsToDetectionsCalculator` in
 * `mediapipe/tasks/cc/vision/face_detector/face_detector_graph.cc`. The score threshold is
 * `FaceDetectorGraphOptions.min_detection_confidence`, default 0.5 (also the web FaceLandmarker's).
 */
export const FACE_DETECTOR_DECODE_OPTIONS: DetectionDecodeOptions = {
  numBoxes: 896,
  numClasses: 1,
  numCoords: 16,
  boxCoordOffset: 0,
  keypointCoordOffset: 4,
  numKeypoints: 6,
  boxFormat: 'xywh',
  xScale: 128,
  yScale: 128,
  wScale: 128,
  hScale: 128,
  applyExponentialOnBoxSize: false,
  sigmoidScore: true,
  scoreClippingThresh: 100,
  minScoreThresh: 0.5,
};

/**
 * Decodes raw SSD outputs against their anchors, as `TensorsToDetectionsCalculator::ProcessCPU`,
 * `DecodeBoxes` and `ConvertToDetections` in `mediapipe/calculators/tensor/tensors_to_detections_calculator.cc`:
 * centre = raw / scale * anchor size + anchor centre, size = raw / scale * anchor size, keypoints
 * like centres; score = sigmoid(clamp(raw)) (best class). Boxes below the score threshold, or with
 * a negative or NaN size, are dropped. Output is in anchor order, normalised to the model input.
 *
 * @param regressors numBoxes x numCoords values (`regressors` [1,896,16])
 * @param classificators numBoxes x numClasses raw scores (`classificators` [1,896,1])
 * @param anchors packed [xCenter, yCenter, w, h] per box (see ssd-anchors.ts)
 */
export function decodeDetections(
  regressors: ArrayLike<number>,
  classificators: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options: DetectionDecodeOptions = FACE_DETECTOR_DECODE_OPTIONS,
): Detection[] {
  const { numBoxes, numCoords, numClasses, numKeypoints } = options;
  if (regressors.length < numBoxes * numCoords) throw new TypeError(`regressors need ${numBoxes * numCoords} values, got ${regressors.length}`);
  if (classificators.length < numBoxes * numClasses) throw new TypeError(`classificators need ${numBoxes * numClasses} values, got ${classificators.length}`);
  if (anchors.length < numBoxes * ANCHOR_STRIDE) throw new TypeError(`anchors need ${numBoxes * ANCHOR_STRIDE} values, got ${anchors.length}`);
  const xy = options.boxFormat === 'xywh';
  const out: Detection[] = [];
  for (let i = 0; i < numBoxes; i++) {
    const score = bestScore(classificators, i, options);
    // ConvertToDetection keeps a score only if it reaches the threshold; an empty detection is skipped.
    if (options.minScoreThresh !== undefined && score < options.minScoreThresh) continue;

    const ax = anchors[i * ANCHOR_STRIDE], ay = anchors[i * ANCHOR_STRIDE + 1];
    const aw = anchors[i * ANCHOR_STRIDE + 2], ah = anchors[i * ANCHOR_STRIDE + 3];
    const o = i * numCoords + options.boxCoordOffset;
    const rawX = xy ? regressors[o] : regressors[o + 1];
    const rawY = xy ? regressors[o + 1] : regressors[o];
    const rawW = xy ? regressors[o + 2] : regressors[o + 3];
    const rawH = xy ? regressors[o + 3] : regressors[o + 2];
    const xCenter = (rawX / options.xScale) * aw + ax;
    const yCenter = (rawY / options.yScale) * ah + ay;
    const w = options.applyExponentialOnBoxSize ? Math.exp(rawW / options.wScale) * aw : (rawW / options.wScale) * aw;
    const h = options.applyExponentialOnBoxSize ? Math.exp(rawH / options.hScale) * ah : (rawH / options.hScale) * ah;
    // The calculator stores corners, then width = xmax - xmin: negative sizes are filtered there.
    const xMin = xCenter - w / 2, yMin = yCenter - h / 2;
    const width = xCenter + w / 2 - xMin, height = yCenter + h / 2 - yMin;
    if (!(width >= 0) || !(height >= 0)) continue;

    const keypoints = new Float32Array(numKeypoints * 2);
    for (let k = 0; k < numKeypoints; k++) {
      const ko = i * numCoords + options.keypointCoordOffset + k * 2;
      const kx = xy ? regressors[ko] : regressors[ko + 1];
      const ky = xy ? regressors[ko + 1] : regressors[ko];
      keypoints[2 * k] = (kx / options.xScale) * aw + ax;
      keypoints[2 * k + 1] = (ky / options.yScale) * ah + ay;
    }
    out.push({ score, xMin, yMin, width, height, keypoints });
  }
  return out;
}

function bestScore(classificators: ArrayLike<number>, box: number, options: DetectionDecodeOptions): number {
  let best = -Number.MAX_VALUE;
  for (let c = 0; c < options.numClasses; c++) {
    let score = classificators[box * options.numClasses + c];
    if (options.sigmoidScore) {
      const clip = options.scoreClippingThresh;
      if (clip !== undefined) score = score < -clip ? -clip : score > clip ? clip : score;
      score = 1 / (1 + Math.exp(-score));
    }
    if (best < score) best = score;
  }
  return best;
}

/**
 * Maps a detection through a 4x4 row-major matrix (only its 2-D affine part is used), as
 * `DetectionProjectionCalculator` (`mediapipe/calculators/util/detection_projection_calculator.cc`):
 * keypoints are projected, and the box becomes the axis-aligned bounds of its four projected corners.
 * With the detector's MATRIX (crop-transform.ts) this takes a detection from the letterboxed
 * 128x128 input to the image, both normalised.
 */
export function projectDetection(detection: Detection, matrix: ArrayLike<number>): Detection {
  const px = (x: number, y: number): number => x * matrix[0] + y * matrix[1] + matrix[3];
  const py = (x: number, y: number): number => x * matrix[4] + y * matrix[5] + matrix[7];
  const { keypoints: kp } = detection;
  const keypoints = new Float32Array(kp.length);
  for (let k = 0; k < kp.length; k += 2) {
    keypoints[k] = px(kp[k], kp[k + 1]);
    keypoints[k + 1] = py(kp[k], kp[k + 1]);
  }
  const x0 = detection.xMin, y0 = detection.yMin, x1 = x0 + detection.width, y1 = y0 + detection.height;
  const xs = [px(x0, y0), px(x1, y0), px(x1, y1), px(x0, y1)];
  const ys = [py(x0, y0), py(x1, y0), py(x1, y1), py(x0, y1)];
  const xMin = Math.min(...xs), yMin = Math.min(...ys);
  return { score: detection.score, xMin, yMin, width: Math.max(...xs) - xMin, height: Math.max(...ys) - yMin, keypoints };
}
