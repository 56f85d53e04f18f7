import type { FaceGeometryMetadata } from './geometry-metadata.js';
import { solveWeightedOrthogonalProblem, type Matrix4 } from './procrustes.js';

/**
 * MediaPipe's facial transformation matrix: the pose of the canonical face model (centimetres)
 * in a virtual perspective camera's space, from the screen landmarks of one face. Follows
 * tasks/cc/vision/face_geometry/libs/geometry_pipeline.cc (ScreenToMetricSpaceConverter, landmark
 * input source) with the environment face_geometry_from_landmarks_graph.cc sets by default.
 */

/** The virtual camera (environment.proto PerspectiveCamera); the origin is the top-left corner. */
export interface PerspectiveCamera {
  readonly verticalFovDegrees: number;
  readonly near: number;
  readonly far: number;
}

/** face_geometry_from_landmarks_graph.cc's default environment: 63 degrees, 1 cm to 100 m. */
export const DEFAULT_CAMERA: PerspectiveCamera = { verticalFovDegrees: 63, near: 1, far: 10000 };

interface Frustum {
  readonly left: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
  readonly near: number;
}

function frustum(camera: PerspectiveCamera, frameWidth: number, frameHeight: number): Frustum {
  const height = 2 * camera.near * Math.tan((0.5 * Math.PI * camera.verticalFovDegrees) / 180);
  const width = (frameWidth * height) / frameHeight;
  return { left: -0.5 * width, bottom: -0.5 * height, width, height, near: camera.near };
}

/**
 * The 4x4 transformation (column-major, as MediaPipe's MatrixData) taking the canonical face
 * model into camera space (right-handed: x right, y up, the camera looking down -z), for a face
 * whose landmarks (x, y, z per point, normalised as MediaPipe gives them: x, y to the frame, z in
 * x's unit) lie in a frame of the given size. Only the first `metadata.count` (468) landmarks are
 * read: the graph drops the iris points. Undefined when the landmarks are too compact to fit
 * (geometry_pipeline.cc skips such faces).
 */
export function faceTransformationMatrix(
  landmarks: ArrayLike<number>,
  frameWidth: number,
  frameHeight: number,
  metadata: FaceGeometryMetadata,
  camera: PerspectiveCamera = DEFAULT_CAMERA,
): Matrix4 | undefined {
  const n = metadata.count;
  if (landmarks.length < 3 * n) throw new TypeError(`expected at least ${n} landmarks, got ${Math.floor(landmarks.length / 3)}`);
  if (tooCompact(landmarks, n)) return undefined;
  const pcf = frustum(camera, frameWidth, frameHeight);
  // (1) Project x, y (and z on x's scale) onto the near plane; y flips for the top-left origin.
  const screen = new Float64Array(3 * n);
  let depthOffset = 0;
  for (let i = 0; i < n; i++) {
    screen[3 * i] = landmarks[3 * i] * pcf.width + pcf.left;
    screen[3 * i + 1] = (1 - landmarks[3 * i + 1]) * pcf.height + pcf.bottom;
    screen[3 * i + 2] = landmarks[3 * i + 2] * pcf.width;
    depthOffset += screen[3 * i + 2];
  }
  depthOffset /= n;
  const fitScale = (points: Float64Array): number => {
    const m = solveWeightedOrthogonalProblem(metadata.canonical, points, metadata.weights);
    return Math.hypot(m[0], m[1], m[2]);
  };
  // (2) A first scale from the projected points, z relative (and turned right-handed).
  const firstScale = fitScale(changeHandedness(screen.slice()));
  // (3, 4) Unproject with it, and refine the scale on those points.
  const secondScale = fitScale(unproject(screen, pcf, depthOffset, firstScale));
  // (5) Unproject with the product, (6) fit the pose.
  const metric = unproject(screen, pcf, depthOffset, firstScale * secondScale);
  return solveWeightedOrthogonalProblem(metadata.canonical, metric, metadata.weights);
}

/** MoveAndRescaleZ, UnprojectXY and ChangeHandedness on a copy of the projected points. */
function unproject(screen: Float64Array, pcf: Frustum, depthOffset: number, scale: number): Float64Array {
  const out = new Float64Array(screen.length);
  for (let i = 0; i < screen.length; i += 3) {
    const z = (screen[i + 2] - depthOffset + pcf.near) / scale;
    out[i] = (screen[i] * z) / pcf.near;
    out[i + 1] = (screen[i + 1] * z) / pcf.near;
    out[i + 2] = -z;
  }
  return out;
}

function changeHandedness(points: Float64Array): Float64Array {
  for (let i = 2; i < points.length; i += 3) points[i] = -points[i];
  return points;
}

/** geometry_pipeline.cc's IsScreenLandmarkListTooCompact: all within 1e-3 of their mean. */
function tooCompact(landmarks: ArrayLike<number>, n: number): boolean {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += landmarks[3 * i] / n;
    my += landmarks[3 * i + 1] / n;
  }
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.hypot(landmarks[3 * i] - mx, landmarks[3 * i + 1] - my));
  return max <= 1e-3;
}

/** Head pose in degrees, signed as Mien's PnP pose and HopeNet's (src/face/head-pose.ts). */
export interface MatrixPose {
  /** Positive when the face turns towards the image's left (the subject's right). */
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/**
 * Yaw, pitch and roll of a facial transformation matrix. The matrix maps the canonical face (x to
 * the image's right, y up, z towards the camera) into a camera looking down -z with y up; turned
 * into the PnP convention (x right, y down, z away from the camera: both axes flipped by
 * diag(1, -1, -1) on each side), the angles are read as `headPoseFromLandmarks` reads its rotation.
 */
export function poseFromMatrix(m: Matrix4): MatrixPose {
  const scale = Math.hypot(m[0], m[1], m[2]);
  // Row-major rotation in the PnP convention: C R C with C = diag(1, -1, -1).
  const at = (row: number, col: number): number => ((row === 0 ? 1 : -1) * (col === 0 ? 1 : -1) * m[col * 4 + row]) / scale;
  const deg = 180 / Math.PI;
  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, -at(2, 0)))) * deg,
    pitch: -Math.atan2(at(2, 1), at(2, 2)) * deg,
    roll: Math.atan2(at(1, 0), at(0, 0)) * deg,
  };
}
