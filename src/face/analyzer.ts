import type { RgbImage } from '../image/rgb-image.js';
import { cropResize } from '../image/warp.js';
import type { DetectionCandidates } from '../models/detector.js';
import type { ExpressionOutputs } from '../models/expression.js';
import type { HeadPose } from '../models/pose.js';
import { alignEyes, alignToArcFace, EYE_CROP_EYES, type AlignedFace } from './align.js';
import { selectFaces, type DetectionOptions, type FaceDetection } from './detect.js';
import { boxHeight, boxWidth } from './geometry.js';
import { headPoseFromLandmarks } from './head-pose.js';
import { fivePointsFrom68, landmarkRegion, landmarksInFrame, type FivePoints } from './landmarks.js';
import { judgeQuality, type QualityThresholds, type QualityVerdict } from './quality.js';
import { sharpnessAroundEyes, type SharpnessOptions } from './sharpness.js';

/** The models the face core drives, by role; any implementation of these contracts will do. */
export interface FaceModels {
  readonly detector: { detect(frames: readonly RgbImage[]): Promise<DetectionCandidates[]>; readonly input: { width: number; height: number } };
  readonly landmarks: { locate(crops: readonly RgbImage[]): Promise<Float32Array[]>; readonly input: { width: number; height: number } };
  readonly identity: { embed(alignedCrops: readonly RgbImage[]): Promise<Float32Array[]> };
  readonly expression: { analyse(crops: readonly RgbImage[]): Promise<ExpressionOutputs[]> };
  readonly pose: { estimate(crops: readonly RgbImage[]): Promise<HeadPose[]>; readonly input: { width: number; height: number } };
}

export interface FaceQuality extends QualityVerdict {
  /** Eye-patch sharpness (sid) on the eye-aligned crop. */
  readonly sharpness: number;
  /** Head pose by perspective-n-point on the landmarks, degrees; yaw is FaceQA's. */
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** A detected face with its landmarks, alignment and FaceQA verdict. */
export interface LocatedFace {
  readonly frame: RgbImage;
  readonly detection: FaceDetection;
  /** 68 points in frame pixels. */
  readonly landmarks68: Float32Array;
  readonly points: FivePoints;
  /** The paper's 224x224 crop, eyes level and 70 px apart. */
  readonly eyeCrop: AlignedFace;
  readonly quality: FaceQuality;
}

export interface FaceCoreOptions {
  readonly detection?: DetectionOptions;
  readonly sharpness?: SharpnessOptions;
  readonly quality?: QualityThresholds;
}

/**
 * The per-face core: each step takes the faces of any number of frames and makes one batched
 * model call, so callers can batch across frames and streams.
 */
export class FaceCore {
  constructor(
    readonly models: FaceModels,
    readonly options: FaceCoreOptions = {},
  ) {}

  async detect(frames: readonly RgbImage[]): Promise<FaceDetection[][]> {
    if (frames.length === 0) return [];
    const candidates = await this.models.detector.detect(frames);
    return candidates.map((c, i) => selectFaces(c, frames[i].width, frames[i].height, this.options.detection));
  }

  async locate(faces: readonly { frame: RgbImage; detection: FaceDetection }[]): Promise<LocatedFace[]> {
    if (faces.length === 0) return [];
    const { width, height } = this.models.landmarks.input;
    const regions = faces.map(({ frame, detection }) => landmarkRegion(detection.box, frame.width, frame.height));
    const crops = faces.map(({ frame }, i) => cropResize(frame, regions[i].x, regions[i].y, regions[i].width, regions[i].height, width, height));
    const relative = await this.models.landmarks.locate(crops);
    return faces.map(({ frame, detection }, i) => {
      const landmarks68 = landmarksInFrame(relative[i], regions[i]);
      const points = fivePointsFrom68(landmarks68);
      const eyeCrop = alignEyes(frame, points);
      const sharpness = sharpnessAroundEyes(eyeCrop.image, EYE_CROP_EYES, this.options.sharpness);
      const pose = headPoseFromLandmarks(landmarks68, frame.width, frame.height);
      const verdict = judgeQuality(sharpness, pose.yaw, this.options.quality);
      const quality = { ...verdict, sharpness, yaw: pose.yaw, pitch: pose.pitch, roll: pose.roll };
      return { frame, detection, landmarks68, points, eyeCrop, quality };
    });
  }

  /** HopeNet's head pose, for comparison with the landmark-based pose FaceQA uses. */
  async headPose(faces: readonly { frame: RgbImage; detection: FaceDetection }[]): Promise<HeadPose[]> {
    if (faces.length === 0) return [];
    const { width, height } = this.models.pose.input;
    const crops = faces.map(({ frame, detection: { box } }) => {
      const dx = boxWidth(box) / 4, dy = boxHeight(box) / 4;
      const x1 = Math.max(0, box[0] - dx), y1 = Math.max(0, box[1] - dy);
      const x2 = Math.min(frame.width, box[2] + dx), y2 = Math.min(frame.height, box[3] + dy);
      return cropResize(frame, x1, y1, x2 - x1, y2 - y1, width, height);
    });
    return this.models.pose.estimate(crops);
  }

  /** 512-d L2-normalised identity embeddings from ArcFace-aligned crops. */
  async identities(faces: readonly LocatedFace[]): Promise<Float32Array[]> {
    if (faces.length === 0) return [];
    return this.models.identity.embed(faces.map((f) => alignToArcFace(f.frame, f.points).image));
  }

  /** The expression model's outputs on the eye-aligned crops. */
  async expressions(faces: readonly LocatedFace[]): Promise<ExpressionOutputs[]> {
    if (faces.length === 0) return [];
    return this.models.expression.analyse(faces.map((f) => f.eyeCrop.image));
  }
}
