import type { RgbImage } from '../image/rgb-image.js';
import { cropResize, resizeBilinear, warpAffine } from '../image/warp.js';
import type { DetectionCandidates } from '../models/detector.js';
import { meanExpressionOutputs, type ExpressionCrop, type ExpressionOutputs } from '../models/expression.js';
import type { HeadPose } from '../models/pose.js';
import { alignEyes, alignToArcFace, landmarkBoxCrop, type AlignedFace } from './align.js';
import { meshRectFrom68, meshRegions, type FaceMesh, type FaceMeshModel } from './face-mesh.js';
import { selectFaces, type DetectionOptions, type FaceDetection } from './detect.js';
import { boxHeight, boxWidth } from './geometry.js';
import { headPoseFromLandmarks } from './head-pose.js';
import { faceTransformationMatrix, poseFromMatrix, type MatrixPose } from './mediapipe/face-geometry.js';
import { parseGeometryMetadata, type FaceGeometryMetadata } from './mediapipe/geometry-metadata.js';
import { eyeLineAngle, fivePointsFrom68, landmarkCropTransform, landmarksInFrame, type FivePoints } from './landmarks.js';
import { judgeQuality, type QualityThresholds, type QualityVerdict } from './quality.js';
import { sharpnessAroundEyes, type SharpnessOptions } from './sharpness.js';

/** The models the face core drives, by role; any implementation of these contracts will do. */
export interface FaceModels {
  readonly detector: { detect(frames: readonly RgbImage[]): Promise<DetectionCandidates[]>; readonly input: { width: number; height: number } };
  readonly landmarks: { locate(crops: readonly RgbImage[]): Promise<Float32Array[]>; readonly input: { width: number; height: number } };
  readonly identity: { embed(alignedCrops: readonly RgbImage[]): Promise<Float32Array[]> };
  readonly expression: {
    analyse(crops: readonly RgbImage[]): Promise<ExpressionOutputs[]>;
    /** The model's contract kind: which calibrated embedding its outputs make. */
    readonly kind: string;
    readonly crop: ExpressionCrop;
    readonly input: { width: number; height: number };
  };
  readonly pose: { estimate(crops: readonly RgbImage[]): Promise<HeadPose[]>; readonly input: { width: number; height: number } };
  /** MediaPipe's Face Landmarker, where it was provisioned: the 478-point mesh and 52 blendshapes. */
  readonly faceMesh?: FaceMeshModel;
}

export interface FaceQuality extends QualityVerdict {
  /** Eye-patch sharpness (sid) on the eye-aligned crop. */
  readonly sharpness: number;
  /**
   * Head pose in degrees; yaw is FaceQA's. Where the mesh was read (LocatedFace.mesh), from
   * MediaPipe's facial transformation matrix; otherwise by perspective-n-point on the 68 points.
   */
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** A face found in a frame. */
export interface FaceRef {
  readonly frame: RgbImage;
  readonly detection: FaceDetection;
}

/** Roll (radians) past which landmarks are located a second time on an upright crop. */
const UPRIGHT_TOLERANCE = (8 * Math.PI) / 180;

/** A detected face with its landmarks, alignment and FaceQA verdict. */
export interface LocatedFace extends FaceRef {
  /** 68 points in frame pixels. */
  readonly landmarks68: Float32Array;
  readonly points: FivePoints;
  /** The paper's 224x224 crop, eyes level and 70 px apart; drawn when `image` is first read. */
  readonly eyeCrop: AlignedFace;
  readonly quality: FaceQuality;
  /**
   * MediaPipe's mesh and blendshapes, read from the region the 68 points give, where the Face
   * Landmarker and its geometry metadata are provisioned: FaceQA's head pose comes from it.
   */
  readonly mesh?: FaceMesh;
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
  /** The canonical face and weights of MediaPipe's head pose; undefined without the Face Landmarker's geometry metadata. */
  private readonly geometry: FaceGeometryMetadata | undefined;

  constructor(
    readonly models: FaceModels,
    readonly options: FaceCoreOptions = {},
  ) {
    const bytes = models.faceMesh?.geometry;
    this.geometry = bytes && parseGeometryMetadata(bytes);
  }

  async detect(frames: readonly RgbImage[]): Promise<FaceDetection[][]> {
    if (frames.length === 0) return [];
    const candidates = await this.models.detector.detect(frames);
    return candidates.map((c, i) => selectFaces(c, frames[i].width, frames[i].height, this.options.detection));
  }

  /**
   * Landmarks, alignment and FaceQA for each face. Faces tilted by more than `UPRIGHT_TOLERANCE`
   * get a second landmark pass on a crop turned upright: the landmark model was trained on
   * upright faces and drifts by several pixels at 30 degrees of roll. Where the mesh can give a
   * head pose, each face's mesh is read too (one more batched call): its pose agrees with HopeNet
   * better than PnP on the 68 points does (docs/face.md).
   */
  async locate(faces: readonly FaceRef[]): Promise<LocatedFace[]> {
    if (faces.length === 0) return [];
    const first = await this.landmarks68(faces, faces.map(() => 0));
    const angles = first.map((l) => eyeLineAngle(fivePointsFrom68(l)));
    const tilted = faces.map((_, i) => i).filter((i) => Math.abs(angles[i]) > UPRIGHT_TOLERANCE);
    const second = await this.landmarks68(tilted.map((i) => faces[i]), tilted.map((i) => angles[i]));
    tilted.forEach((i, k) => (first[i] = second[k]));
    const meshes = this.geometry ? await this.meshesFrom68(faces.map(({ frame }, i) => ({ frame, landmarks68: first[i] }))) : undefined;
    return faces.map(({ frame, detection }, i) => {
      const landmarks68 = first[i];
      const points = fivePointsFrom68(landmarks68);
      const eyeCrop = alignEyes(frame, points);
      const sharpness = sharpnessAroundEyes(frame, points.leftEye, points.rightEye, this.options.sharpness);
      const mesh = meshes?.[i];
      const pose = (mesh && this.meshPose(mesh, frame)) ?? headPoseFromLandmarks(landmarks68, frame.width, frame.height);
      const verdict = judgeQuality(sharpness, pose.yaw, this.options.quality);
      const quality = { ...verdict, sharpness, yaw: pose.yaw, pitch: pose.pitch, roll: pose.roll };
      return { frame, detection, landmarks68, points, eyeCrop, quality, ...(mesh && { mesh }) };
    });
  }

  /**
   * The head pose of MediaPipe's facial transformation matrix. Taken even where the landmark model
   * finds no face present: falling back to PnP there agreed with HopeNet less (docs/face.md).
   */
  private meshPose(mesh: FaceMesh, frame: RgbImage): MatrixPose | undefined {
    if (!this.geometry) return undefined;
    const matrix = faceTransformationMatrix(mesh.landmarks, frame.width, frame.height, this.geometry);
    return matrix && poseFromMatrix(matrix);
  }

  private async landmarks68(faces: readonly FaceRef[], angles: readonly number[]): Promise<Float32Array[]> {
    if (faces.length === 0) return [];
    const crop = this.models.landmarks.input;
    const maps = faces.map(({ frame, detection }, i) => landmarkCropTransform(detection.box, frame, crop, angles[i]));
    const crops = faces.map(({ frame }, i) => warpAffine(frame, maps[i], crop.width, crop.height));
    const relative = await this.models.landmarks.locate(crops);
    return relative.map((r, i) => landmarksInFrame(r, maps[i], crop));
  }

  /** HopeNet's head pose, for comparison with the landmark-based pose FaceQA uses. */
  async headPose(faces: readonly FaceRef[]): Promise<HeadPose[]> {
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

  /**
   * MediaPipe's mesh and blendshapes of each face, read from the region its 68 points give
   * (meshRectFrom68): the one `locate` read where it did, else read now in one batched call;
   * undefined when the Face Landmarker is not provisioned.
   */
  async meshes(faces: readonly LocatedFace[]): Promise<FaceMesh[] | undefined> {
    if (!this.models.faceMesh) return undefined;
    const missing = faces.filter((f) => f.mesh === undefined);
    const read = await this.meshesFrom68(missing);
    let next = 0;
    return faces.map((f) => f.mesh ?? read[next++]);
  }

  private async meshesFrom68(faces: readonly { frame: RgbImage; landmarks68: Float32Array }[]): Promise<FaceMesh[]> {
    const model = this.models.faceMesh;
    if (!model || faces.length === 0) return [];
    // The live flow samples as MediaPipe's GPU path does: half the time of its CPU path's exact OpenCV sampling.
    return meshRegions(model, faces.map((f) => ({ frame: f.frame, rect: meshRectFrom68(f.landmarks68, f.frame.width, f.frame.height) })), 'gl');
  }

  /** The expression model's outputs, each over the views the model declares, averaged. */
  async expressions(faces: readonly LocatedFace[]): Promise<ExpressionOutputs[]> {
    return this.expressionsOfViews(faces.map((f) => this.expressionViews(f)));
  }

  /** The expression model's outputs for each face's `views` (crops), averaged per face. */
  async expressionsOfViews(views: readonly (readonly RgbImage[])[]): Promise<ExpressionOutputs[]> {
    if (views.length === 0) return [];
    const outputs = await this.models.expression.analyse(views.flat());
    let next = 0;
    return views.map((v) => meanExpressionOutputs(outputs.slice(next, (next += v.length))));
  }

  /** The crops of `face` that the expression model reads (one per view it declares). */
  expressionViews(face: LocatedFace): RgbImage[] {
    const { crop, input } = this.models.expression;
    if (crop.kind === 'landmark-box') return crop.growths.map((growth) => landmarkBoxCrop(face.frame, face.landmarks68, growth, input.width));
    const eyes = face.eyeCrop.image;
    return [eyes.width === input.width && eyes.height === input.height ? eyes : resizeBilinear(eyes, input.width, input.height)];
  }
}
