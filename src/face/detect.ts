import type { DetectionCandidates } from '../models/detector.js';
import { boxHeight, boxWidth, intersectionOverUnion, type Box } from './geometry.js';

export interface FaceDetection {
  readonly box: Box;
  readonly score: number;
}

export interface DetectionOptions {
  /** Minimum face probability. Default 0.7. */
  readonly minScore?: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. Default 0.3. */
  readonly iouThreshold?: number;
  /** Faces narrower than this many pixels are dropped. Default 12. */
  readonly minSize?: number;
  /** At most this many faces, best first. Default 100. */
  readonly maxFaces?: number;
}

export const DETECTION_DEFAULTS: Required<DetectionOptions> = { minScore: 0.7, iouThreshold: 0.3, minSize: 12, maxFaces: 100 };

/** Greedy non-maximum suppression; returns the kept indices, best score first. */
export function nonMaxSuppression(boxes: readonly Box[], scores: ArrayLike<number>, iouThreshold: number, maxCount = Infinity): number[] {
  const order = boxes.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxCount) break;
    if (kept.every((k) => intersectionOverUnion(boxes[i], boxes[k]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

/** Turns a detector's per-anchor output into the faces of a width x height frame. */
export function selectFaces(candidates: DetectionCandidates, width: number, height: number, options: DetectionOptions = {}): FaceDetection[] {
  const { minScore, iouThreshold, minSize, maxFaces } = { ...DETECTION_DEFAULTS, ...options };
  const boxes: Box[] = [];
  const scores: number[] = [];
  const { boxes: raw, scores: prob } = candidates;
  for (let i = 0; i < prob.length; i++) {
    if (prob[i] < minScore) continue;
    const x1 = clamp(raw[4 * i] * width, 0, width), y1 = clamp(raw[4 * i + 1] * height, 0, height);
    const x2 = clamp(raw[4 * i + 2] * width, 0, width), y2 = clamp(raw[4 * i + 3] * height, 0, height);
    if (x2 - x1 < minSize || y2 - y1 < minSize) continue;
    boxes.push([x1, y1, x2, y2]);
    scores.push(prob[i]);
  }
  return nonMaxSuppression(boxes, scores, iouThreshold, maxFaces).map((i) => ({ box: boxes[i], score: scores[i] }));
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** The face with the largest box, or undefined when there is none. */
export function largestFace(faces: readonly FaceDetection[]): FaceDetection | undefined {
  const area = (b: Box): number => boxWidth(b) * boxHeight(b);
  return [...faces].sort((a, b) => area(b.box) - area(a.box))[0];
}
