import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GeometryMetadataError } from '../../../src/face/errors.js';
import { DEFAULT_CAMERA, faceTransformationMatrix, poseFromMatrix } from '../../../src/face/mediapipe/face-geometry.js';
import { parseGeometryMetadata, type FaceGeometryMetadata } from '../../../src/face/mediapipe/geometry-metadata.js';
import { solveWeightedOrthogonalProblem, type Matrix4 } from '../../../src/face/mediapipe/procrustes.js';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { FACE_LANDMARKER_ENTRIES } from '../../../src/model-build/tflite/face-landmarker-onnx.js';

/**
 * MediaPipe's face geometry (src/face/mediapipe/face-geometry.ts) on made-up faces whose pose is
 * known. Against MediaPipe's own runtime on the fixture faces: test/face/face-mesh.test.ts.
 */

const TASK = fileURLToPath(new URL('../../../../shared/models/face_landmarker.task', import.meta.url));
const metadata = parseGeometryMetadata(readTaskBundle(readFileSync(TASK)).get(FACE_LANDMARKER_ENTRIES.geometry)!);

/** Row-major 3x3 rotation by `yaw` about y, then `pitch` about x, then `roll` about z (radians). */
function rotation(yaw: number, pitch: number, roll: number): number[] {
  const [cy, sy, cx, sx, cz, sz] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch), Math.cos(roll), Math.sin(roll)];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  const mul = (a: number[], b: number[]) => a.map((_, k) => [0, 1, 2].reduce((s, j) => s + a[3 * Math.floor(k / 3) + j] * b[3 * j + (k % 3)], 0));
  return mul(rz, mul(rx, ry));
}

/** Column-major [s R | t]. */
function similarity(r: readonly number[], scale: number, t: readonly number[]): Matrix4 {
  const m = new Float64Array(16);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[col * 4 + row] = scale * r[3 * row + col];
    m[12 + row] = t[row];
  }
  m[15] = 1;
  return m;
}

function transform(m: Matrix4, points: ArrayLike<number>): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    for (let row = 0; row < 3; row++) out[i + row] = m[row] * points[i] + m[4 + row] * points[i + 1] + m[8 + row] * points[i + 2] + m[12 + row];
  }
  return out;
}

/**
 * The canonical face posed by `m` and seen by MediaPipe's virtual camera in a frame of the given
 * size, as the landmark model reports a face: x, y normalised (top-left origin), z the depth
 * relative to the face's mean, in x's unit at the face's distance (smaller is nearer).
 */
function screenLandmarks(m: Matrix4, width: number, height: number, meta: FaceGeometryMetadata): Float64Array {
  const camera = transform(m, meta.canonical);
  const near = DEFAULT_CAMERA.near;
  const nearHeight = 2 * near * Math.tan((DEFAULT_CAMERA.verticalFovDegrees * Math.PI) / 360);
  const nearWidth = (width * nearHeight) / height;
  let meanDepth = 0;
  for (let i = 2; i < camera.length; i += 3) meanDepth += -camera[i] / meta.count;
  const out = new Float64Array(camera.length);
  for (let i = 0; i < camera.length; i += 3) {
    const depth = -camera[i + 2];
    out[i] = (camera[i] * near) / depth / nearWidth + 0.5;
    out[i + 1] = 0.5 - (camera[i + 1] * near) / depth / nearHeight;
    out[i + 2] = ((depth - meanDepth) * near) / meanDepth / nearWidth;
  }
  return out;
}

const radians = (d: number) => (d * Math.PI) / 180;

describe('parseGeometryMetadata', () => {
  it("reads the .task's canonical face (468 vertices, mirror-symmetric) and its Procrustes weights", () => {
    expect(metadata.count).toBe(468);
    expect(metadata.canonical).toHaveLength(468 * 3);
    // Outer eye corners 33 (the image's left) and 263: mirror images across x = 0, y up.
    expect(metadata.canonical[3 * 33]).toBeLessThan(-4);
    expect(metadata.canonical[3 * 263]).toBeCloseTo(-metadata.canonical[3 * 33], 5);
    expect(metadata.canonical[3 * 263 + 1]).toBeCloseTo(metadata.canonical[3 * 33 + 1], 5);
    const weighted = [...metadata.weights].filter((w) => w > 0);
    expect(weighted.length).toBeGreaterThan(20);
    expect(weighted.length).toBeLessThan(468);
  });

  it('refuses bytes that are not a metadata proto Mien can use', () => {
    expect(() => parseGeometryMetadata(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(GeometryMetadataError);
    // An empty proto: no canonical mesh.
    expect(() => parseGeometryMetadata(new Uint8Array())).toThrow(/vertex buffer/);
  });
});

describe('solveWeightedOrthogonalProblem', () => {
  it('recovers a similarity transform exactly, whatever the weights', () => {
    const truth = similarity(rotation(0.4, -0.3, 0.2), 1.7, [3, -2, -40]);
    const targets = transform(truth, metadata.canonical);
    for (const weights of [metadata.weights, new Float32Array(468).fill(1)]) {
      const found = solveWeightedOrthogonalProblem(metadata.canonical, targets, weights);
      found.forEach((v, k) => expect(v).toBeCloseTo(truth[k], 6));
    }
  });

  it('never reflects: mirrored targets still get a proper rotation', () => {
    const mirrored = Float64Array.from(metadata.canonical, (v, k) => (k % 3 === 0 ? -v : v));
    const m = solveWeightedOrthogonalProblem(metadata.canonical, mirrored, metadata.weights);
    const det = m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
    expect(det).toBeGreaterThan(0);
  });
});

describe('faceTransformationMatrix', () => {
  it.each([
    [0, 0, 0],
    [30, 0, 0],
    [-45, 10, 0],
    [10, -15, 20],
  ])('recovers a face posed at yaw %i, pitch %i, roll %i degrees, 60 cm away, off centre', (yaw, pitch, roll) => {
    const truth = similarity(rotation(radians(yaw), radians(pitch), radians(roll)), 1, [4, 3, -60]);
    const found = faceTransformationMatrix(screenLandmarks(truth, 640, 480, metadata), 640, 480, metadata)!;
    expect(found).toBeDefined();
    // Exact landmarks of a rigid face: the metric unprojection recovers it exactly (up to rounding).
    for (const k of [0, 1, 2, 4, 5, 6, 8, 9, 10]) expect(Math.abs(found[k] - truth[k])).toBeLessThan(1e-6);
    for (const k of [12, 13, 14]) expect(Math.abs(found[k] - truth[k])).toBeLessThan(1e-4);
  });

  it('gives no matrix for landmarks piled on one spot', () => {
    expect(faceTransformationMatrix(new Float64Array(478 * 3).fill(0.5), 640, 480, metadata)).toBeUndefined();
  });
});

describe('poseFromMatrix', () => {
  it("reads yaw as positive when the face turns towards the image's left, as PnP and HopeNet do", () => {
    // Turned about the camera's vertical axis so that the nose (+z in the model) points to -x.
    const pose = poseFromMatrix(similarity(rotation(radians(-30), 0, 0), 1, [0, 0, -60]));
    expect(pose.yaw).toBeCloseTo(30, 6);
    expect(pose.pitch).toBeCloseTo(0, 6);
    expect(pose.roll).toBeCloseTo(0, 6);
  });

  it('reads roll as the eye line turning clockwise in the image, and ignores the scale', () => {
    // Counter-clockwise about the camera's z (y up) is clockwise in the image (y down).
    const pose = poseFromMatrix(similarity(rotation(0, 0, radians(-20)), 2.5, [0, 0, -60]));
    expect(pose.roll).toBeCloseTo(20, 6);
    expect(pose.yaw).toBeCloseTo(0, 6);
    expect(pose.pitch).toBeCloseTo(0, 6);
  });
});
