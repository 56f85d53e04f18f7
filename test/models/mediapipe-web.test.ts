import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src/image/rgb-image.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { fixture } from '../support/fixtures.js';
import { BLENDSHAPE_COUNT, LANDMARK_COUNT, MediapipeWebRuntime, type WebFace } from '../support/mediapipe-web.js';

const TASK = fileURLToPath(new URL('../../../shared/models/face_landmarker.task', import.meta.url));

/** The face's extent in a 512x512 London portrait, measured by eye on 002_03/002_08 with some margin. */
const LONDON_FACE_BOX = { x0: 140, y0: 110, x1: 400, y1: 430 } as const;

const score = (face: WebFace, name: string): number => {
  const found = face.blendshapes.find((b) => b.categoryName === name);
  if (!found) throw new Error(`no blendshape ${name}`);
  return found.score;
};

const pixels = (face: WebFace, picture: RgbImage) => face.landmarks.map((p) => [p.x * picture.width, p.y * picture.height] as const);

describe('MediaPipe FaceLandmarker in Chromium, as reference', () => {
  let runtime: MediapipeWebRuntime;
  let neutral: RgbImage;
  let smiling: RgbImage;
  let group: RgbImage;

  beforeAll(async () => {
    [neutral, smiling, group] = await Promise.all(
      ['faces/london/002_03.jpg', 'faces/london/002_08.jpg', 'expressions/pexels/group.jpeg'].map((p) => readImageFile(fixture(p))),
    );
    runtime = await MediapipeWebRuntime.start(TASK);
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
  });

  it('finds one face per London portrait, with its landmarks on the face and a smile only on the smiling photo', async () => {
    const [onNeutral, onSmiling] = await runtime.faceLandmarks([neutral, smiling]);
    expect(onNeutral.faces).toHaveLength(1);
    expect(onSmiling.faces).toHaveLength(1);

    for (const [result, picture] of [[onNeutral, neutral], [onSmiling, smiling]] as const) {
      const [face] = result.faces;
      expect(face.landmarks).toHaveLength(LANDMARK_COUNT);
      const points = pixels(face, picture);
      const xs = points.map(([x]) => x);
      const ys = points.map(([, y]) => y);
      const extent = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
      expect(extent.x0).toBeGreaterThan(LONDON_FACE_BOX.x0);
      expect(extent.y0).toBeGreaterThan(LONDON_FACE_BOX.y0);
      expect(extent.x1).toBeLessThan(LONDON_FACE_BOX.x1);
      expect(extent.y1).toBeLessThan(LONDON_FACE_BOX.y1);
      // Not collapsed: the mesh spans a face's width (about 185 px here).
      expect(extent.x1 - extent.x0).toBeGreaterThan(120);
      // The mesh's semantics: outer eye corners (33 image-left, 263 image-right) above the upper
      // lip (13), which is above the chin (152); the nose tip (1) between the eyes.
      const [eyeL, eyeR, nose, lip, chin] = [33, 263, 1, 13, 152].map((i) => points[i]);
      expect(eyeL[0]).toBeLessThan(nose[0]);
      expect(nose[0]).toBeLessThan(eyeR[0]);
      expect(Math.max(eyeL[1], eyeR[1])).toBeLessThan(lip[1]);
      expect(lip[1]).toBeLessThan(chin[1]);

      expect(face.blendshapes).toHaveLength(BLENDSHAPE_COUNT);
      expect(face.blendshapes[0].categoryName).toBe('_neutral');
      expect(face.blendshapes[44].categoryName).toBe('mouthSmileLeft');
      expect(face.blendshapes[45].categoryName).toBe('mouthSmileRight');

      // Column-major 4x4 pose: an orthonormal rotation and the face some 20-80 cm in front of the camera.
      const m = face.transformationMatrix.data;
      expect(m[15]).toBeCloseTo(1, 5);
      expect(Math.hypot(m[0], m[1], m[2])).toBeCloseTo(1, 2);
      expect(m[14]).toBeLessThan(-20);
      expect(m[14]).toBeGreaterThan(-80);
    }

    const [n] = onNeutral.faces;
    const [s] = onSmiling.faces;
    for (const side of ['mouthSmileLeft', 'mouthSmileRight']) {
      expect(score(n, side)).toBeLessThan(0.2);
      expect(score(s, side)).toBeGreaterThan(0.5);
      expect(score(s, side) - score(n, side)).toBeGreaterThan(0.4);
    }
  });

  it('runs each picture on its own: the same picture twice gives the same outputs (no tracking or smoothing in IMAGE mode)', async () => {
    const [first, , again] = await runtime.faceLandmarks([neutral, smiling, neutral]);
    expect(again).toEqual(first);
  });

  it('finds several faces in the Pexels group photo, apart from each other', async () => {
    const [result] = await runtime.faceLandmarks([group]);
    // Five people; the short-range detector sees the two nearest faces only (the three at the back
    // are under ~1/10 of the picture's width, too small for its 128x128 input).
    expect(result.faces.length).toBeGreaterThanOrEqual(2);
    expect(result.faces.length).toBeLessThanOrEqual(runtime.options.numFaces);
    const centres = result.faces.map((f) => {
      const points = pixels(f, group);
      return points.reduce(([sx, sy], [x, y]) => [sx + x / points.length, sy + y / points.length], [0, 0]);
    });
    for (let i = 0; i < centres.length; i++) {
      for (let j = i + 1; j < centres.length; j++) {
        expect(Math.hypot(centres[i][0] - centres[j][0], centres[i][1] - centres[j][1])).toBeGreaterThan(100);
      }
    }
  });
});
