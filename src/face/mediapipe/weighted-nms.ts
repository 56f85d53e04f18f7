import type { Detection } from './detections.js';

/** The `NonMaxSuppressionCalculatorOptions` that the weighted algorithm reads. */
export interface WeightedNmsOptions {
  /** Boxes overlapping the best remaining one by more than this IoU are merged into it. */
  readonly minSuppressionThreshold: number;
  /** Stop at the first detection scoring below this when > 0. MediaPipe's default -1. */
  readonly minScoreThreshold?: number;
}

/**
 * The face detector's setting: `ConfigureNonMaxSuppressionCalculator` in
 * `mediapipe/tasks/cc/vision/face_detector/face_detector_graph.cc` (WEIGHTED,
 * INTERSECTION_OVER_UNION) with `FaceDetectorGraphOptions.min_suppression_threshold`, whose proto
 * default is 0.5. The web FaceLandmarker never sets it, so 0.5 applies there; the web
 * FaceDetector task sets 0.3.
 */
export const FACE_LANDMARKER_NMS: WeightedNmsOptions = { minSuppressionThreshold: 0.5 };
export const FACE_DETECTOR_TASK_NMS: WeightedNmsOptions = { minSuppressionThreshold: 0.3 };

/** IoU of two normalised boxes, as `OverlapSimilarity(INTERSECTION_OVER_UNION, ...)`. */
export function overlapSimilarity(a: Detection, b: Detection): number {
  const w = Math.min(a.xMin + a.width, b.xMin + b.width) - Math.max(a.xMin, b.xMin);
  const h = Math.min(a.yMin + a.height, b.yMin + b.height) - Math.max(a.yMin, b.yMin);
  if (w < 0 || h < 0) return 0;
  const intersection = w * h;
  const normalization = a.width * a.height + b.width * b.height - intersection;
  return normalization > 0 ? intersection / normalization : 0;
}

/**
 * Weighted non-maximum suppression, as `WeightedNonMaxSuppression` in
 * `mediapipe/calculators/util/non_max_suppression_calculator.cc`: take the best remaining
 * detection; every remaining one (itself included) overlapping it by IoU > threshold is a
 * candidate; the output keeps the best one's score, with box corners and keypoints averaged over
 * the candidates weighted by their scores. Repeat on the rest. Like MediaPipe, it stops as soon as
 * a round removes nothing (a box of zero area is emitted and ends the loop).
 *
 * Ties in score keep input order here; MediaPipe's `std::sort` leaves their order unspecified.
 * (MediaPipe's weighted path ignores `max_num_detections`; the graph clips to `num_faces` later.)
 */
export function weightedNonMaxSuppression(detections: readonly Detection[], options: WeightedNmsOptions): Detection[] {
  const minScore = options.minScoreThreshold ?? -1;
  let remaining = detections.map((_, i) => i).sort((a, b) => detections[b].score - detections[a].score);
  const out: Detection[] = [];
  while (remaining.length > 0) {
    const top = detections[remaining[0]];
    if (minScore > 0 && top.score < minScore) break;
    const candidates: number[] = [];
    const rest: number[] = [];
    for (const i of remaining) {
      (overlapSimilarity(detections[i], top) > options.minSuppressionThreshold ? candidates : rest).push(i);
    }
    out.push(candidates.length > 0 ? weightedAverage(top, candidates.map((i) => detections[i])) : top);
    if (rest.length === remaining.length) break;
    remaining = rest;
  }
  return out;
}

function weightedAverage(top: Detection, candidates: readonly Detection[]): Detection {
  let xMin = 0, yMin = 0, xMax = 0, yMax = 0, total = 0;
  const sums = new Float64Array(top.keypoints.length);
  for (const c of candidates) {
    total += c.score;
    xMin += c.xMin * c.score;
    yMin += c.yMin * c.score;
    xMax += (c.xMin + c.width) * c.score;
    yMax += (c.yMin + c.height) * c.score;
    for (let k = 0; k < sums.length; k++) sums[k] += c.keypoints[k] * c.score;
  }
  const keypoints = Float32Array.from(sums, (v) => v / total);
  const x0 = xMin / total, y0 = yMin / total;
  return { score: top.score, xMin: x0, yMin: y0, width: xMax / total - x0, height: yMax / total - y0, keypoints };
}
