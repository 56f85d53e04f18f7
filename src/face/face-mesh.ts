import type { RgbImage } from '../image/rgb-image.js';
import { blendshapeInput } from './mediapipe/blendshape-input.js';
import { FACE_DETECTOR_INPUT, FACE_LANDMARKS_INPUT, imageToTensor } from './mediapipe/image-to-tensor.js';
import { FACE_PRESENCE_THRESHOLD } from './mediapipe/landmarks.js';
import { faceDetectorPostprocess, faceLandmarksPostprocess } from './mediapipe/pipeline.js';
import type { NormalizedRect } from './mediapipe/rects.js';

/**
 * What the face-mesh steps need of MediaPipe's Face Landmarker (src/models/face-landmarker.ts
 * implements it): the three converted graphs, each fed tensors MediaPipe's own way.
 */
export interface FaceMeshModel {
  detect(inputs: readonly Float32Array[]): Promise<{ regressors: Float32Array; classificators: Float32Array }[]>;
  mesh(crops: readonly Float32Array[]): Promise<{ mesh: Float32Array; presenceLogit: number }[]>;
  blendshapes(points: readonly Float32Array[]): Promise<Float32Array[]>;
}

/** One face's mesh and blendshapes. */
export interface FaceMesh {
  /** The region the landmark model read. */
  readonly rect: NormalizedRect;
  /** 478 x (x, y, z), normalised to the frame as MediaPipe gives them (x * width = pixels; z on x's scale). */
  readonly landmarks: Float32Array;
  /** Sigmoid of the face-presence logit: at or below FACE_PRESENCE_THRESHOLD the crop held no face. */
  readonly presence: number;
  /** The 52 blendshape scores in BLENDSHAPE_NAMES order. */
  readonly blendshapes: Float32Array;
}

/** A frame and the region of it a face is in. */
export interface MeshRegion {
  readonly frame: RgbImage;
  readonly rect: NormalizedRect;
}

/**
 * The mesh and blendshapes of the face in each region: one batched call per graph. MediaPipe's
 * landmark step as its graphs wire it (face_landmarks_detector_graph.cc, face_blendshapes_graph.cc).
 * Faces the landmark model does not find present still get their (unreliable) mesh: callers decide.
 */
export async function meshRegions(model: FaceMeshModel, regions: readonly MeshRegion[]): Promise<FaceMesh[]> {
  if (regions.length === 0) return [];
  const raw = await model.mesh(regions.map(({ frame, rect }) => imageToTensor(frame, rect, FACE_LANDMARKS_INPUT).data));
  const located = regions.map(({ frame, rect }, i) => faceLandmarksPostprocess(raw[i].mesh, raw[i].presenceLogit, rect, frame.width, frame.height));
  const scores = await model.blendshapes(located.map((l, i) => blendshapeInput(l.landmarks, regions[i].frame.width, regions[i].frame.height)));
  return located.map((l, i) => ({ rect: regions[i].rect, landmarks: l.landmarks, presence: l.presenceScore, blendshapes: scores[i] }));
}

/**
 * MediaPipe's Face Landmarker in IMAGE mode (face_landmarker_graph.cc without tracking): the face
 * detector on the whole frame, each detection's region (eyes level, 1.5x) to the landmark model,
 * the faces found present to the blendshape model. What the web runtime gives, for comparison.
 */
export async function meshImage(model: FaceMeshModel, frame: RgbImage, numFaces = 4): Promise<FaceMesh[]> {
  const [detector] = await model.detect([imageToTensor(frame, undefined, FACE_DETECTOR_INPUT).data]);
  const { expandedFaceRects } = faceDetectorPostprocess(detector.regressors, detector.classificators, frame.width, frame.height, { numFaces });
  const meshes = await meshRegions(model, expandedFaceRects.map((rect) => ({ frame, rect })));
  return meshes.filter((m) => m.presence > FACE_PRESENCE_THRESHOLD);
}
