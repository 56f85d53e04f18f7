import type { RgbImage } from '../image/rgb-image.js';
import { blendshapeInput } from './mediapipe/blendshape-input.js';
import type { PixelConvention } from './mediapipe/crop-transform.js';
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
  /** The face geometry pipeline's metadata, binary (mediapipe/geometry-metadata.ts); undefined where not provisioned. */
  readonly geometry?: Uint8Array | undefined;
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

/**
 * The landmark model's region for a face Mien located, from its 68 points: MediaPipe's own
 * tracking rule (face_landmarks_detector_graph.cc: the bounds of the previous mesh, eyes level,
 * 1.5x the longer side, square) applied to the 68 points, which lack the forehead: their bounds'
 * longer side times MESH_RECT_SCALE, centred MESH_RECT_SHIFT of it above their centre. Both were
 * measured on 142 fixture faces against the rule applied to MediaPipe's IMAGE-mode mesh (medians:
 * 1.705, -0.087; p10-p90 1.61-1.77, -0.11 to -0.06). The mesh read from it lies as close to
 * IMAGE mode's as MediaPipe's own tracking region's does (mean landmark error 0.43% of the face
 * against 0.44%; docs/face.md).
 */
export function meshRectFrom68(landmarks68: ArrayLike<number>, frameWidth: number, frameHeight: number): NormalizedRect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < 68; i++) {
    x0 = Math.min(x0, landmarks68[2 * i]);
    x1 = Math.max(x1, landmarks68[2 * i]);
    y0 = Math.min(y0, landmarks68[2 * i + 1]);
    y1 = Math.max(y1, landmarks68[2 * i + 1]);
  }
  // Outer eye corners (iBUG 36 and 45), as the mesh's 33 and 263.
  const rotation = -Math.atan2(-(landmarks68[91] - landmarks68[73]), landmarks68[90] - landmarks68[72]);
  const size = MESH_RECT_SCALE * Math.max(x1 - x0, y1 - y0);
  const shift = MESH_RECT_SHIFT * Math.max(x1 - x0, y1 - y0);
  // Up the face's own vertical axis, whatever its roll.
  const xCenter = (x0 + x1) / 2 + Math.sin(rotation) * -shift;
  const yCenter = (y0 + y1) / 2 + Math.cos(rotation) * shift;
  return { xCenter: xCenter / frameWidth, yCenter: yCenter / frameHeight, width: size / frameWidth, height: size / frameHeight, rotation };
}

const MESH_RECT_SCALE = 1.705;
const MESH_RECT_SHIFT = -0.087;

/** A frame and the region of it a face is in. */
export interface MeshRegion {
  readonly frame: RgbImage;
  readonly rect: NormalizedRect;
}

/**
 * The mesh and blendshapes of the face in each region: one batched call per graph. MediaPipe's
 * landmark step as its graphs wire it (face_landmarks_detector_graph.cc, face_blendshapes_graph.cc).
 * Faces the landmark model does not find present still get their (unreliable) mesh: callers decide.
 * The crop is sampled as MediaPipe's CPU path does ('opencv', bit for bit) or as its GPU path
 * does ('gl': plain bilinear, half a pixel apart; 2x faster here, the mesh within 0.2 crop px).
 */
export async function meshRegions(model: FaceMeshModel, regions: readonly MeshRegion[], convention: PixelConvention = 'opencv'): Promise<FaceMesh[]> {
  if (regions.length === 0) return [];
  const input = { ...FACE_LANDMARKS_INPUT, convention };
  const raw = await model.mesh(regions.map(({ frame, rect }) => imageToTensor(frame, rect, input).data));
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
