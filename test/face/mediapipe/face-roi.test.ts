import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../src/image/affine.js';
import { imageToCropAffine } from '../../../src/face/mediapipe/crop-transform.js';
import type { Detection } from '../../../src/face/mediapipe/detections.js';
import { associateRects, detectionToRect, FACE_DETECTOR_RECT_ROTATION, faceRectFromDetection, faceRectFromLandmarks, transformRect } from '../../../src/face/mediapipe/face-roi.js';
import { toRotatedRect, type NormalizedRect } from '../../../src/face/mediapipe/rects.js';

const deg = Math.PI / 180;

/** A detection in a W x H image whose eyes (keypoints 0, 1) lie on a line tilted by `tilt` (counter-clockwise on screen). */
function tiltedFace(W: number, H: number, tilt: number): { detection: Detection; eyes: [number, number][] } {
  const cx = 300, cy = 200, half = 40;
  const eyes: [number, number][] = [
    [cx - half * Math.cos(tilt), cy + half * Math.sin(tilt)],
    [cx + half * Math.cos(tilt), cy - half * Math.sin(tilt)],
  ];
  const keypoints = new Float32Array(12);
  eyes.forEach(([x, y], k) => keypoints.set([x / W, y / H], 2 * k));
  keypoints.set([cx / W, (cy + 30) / H], 4);
  return { detection: { score: 0.9, xMin: (cx - 60) / W, yMin: (cy - 60) / H, width: 120 / W, height: 120 / H, keypoints }, eyes };
}

describe('detectionToRect', () => {
  for (const tiltDeg of [0, 20, -35, 60]) {
    it(`turns a face tilted by ${tiltDeg} degrees upright: rotation ${-tiltDeg}, eyes level in the crop`, () => {
      // A non-square image: the angle must be measured in pixels, not in normalised units.
      const W = 640, H = 360;
      const { detection, eyes } = tiltedFace(W, H, tiltDeg * deg);
      const rect = detectionToRect(detection, W, H, FACE_DETECTOR_RECT_ROTATION);
      expect(rect.rotation).toBeCloseTo(-tiltDeg * deg, 6);
      expect(rect.xCenter).toBeCloseTo(300 / W, 6);
      expect(rect.yCenter).toBeCloseTo(200 / H, 6);
      const toCrop = imageToCropAffine(toRotatedRect(rect, W, H), 256, 256);
      const [l, r] = eyes.map(([x, y]) => applyAffine(toCrop, x, y));
      expect(l[1]).toBeCloseTo(r[1], 4);
      expect(r[0]).toBeGreaterThan(l[0]);
    });
  }

  it('wraps rotations into [-pi, pi)', () => {
    const { detection } = tiltedFace(640, 360, 179 * deg);
    const rect = detectionToRect(detection, 640, 360, FACE_DETECTOR_RECT_ROTATION);
    expect(rect.rotation).toBeCloseTo(-179 * deg, 6);
    const upsideDown = detectionToRect(tiltedFace(640, 360, 180 * deg).detection, 640, 360, FACE_DETECTOR_RECT_ROTATION);
    expect(upsideDown.rotation).toBeCloseTo(-Math.PI, 5);
  });
});

describe('transformRect', () => {
  const rect: NormalizedRect = { xCenter: 0.5, yCenter: 0.5, width: 0.2, height: 0.3, rotation: 0 };

  it('scales, and squares on the longer side measured in pixels', () => {
    // 0.2 of 800 = 160 px wide, 0.3 of 400 = 120 px tall: the square is 160 px.
    const out = transformRect(rect, 800, 400, { scaleX: 1.5, scaleY: 1.5, squareLong: true });
    expect(out.width * 800).toBeCloseTo(240, 9);
    expect(out.height * 400).toBeCloseTo(240, 9);
    const short = transformRect(rect, 800, 400, { squareShort: true });
    expect(short.width * 800).toBeCloseTo(120, 9);
  });

  it('shifts along the rotated axes', () => {
    // Rotated 90 degrees: a shift along the rect's y axis moves the centre along -x of the image.
    const out = transformRect({ ...rect, rotation: Math.PI / 2 }, 1000, 1000, { shiftY: 0.5 });
    expect(out.xCenter).toBeCloseTo(0.5 - 0.15, 9);
    expect(out.yCenter).toBeCloseTo(0.5, 9);
  });

  it('makes the detector ROI 1.5x the box, not squared', () => {
    const { detection } = tiltedFace(640, 360, 0);
    const roi = faceRectFromDetection(detection, 640, 360);
    expect(roi.width * 640).toBeCloseTo(180, 4);
    expect(roi.height * 360).toBeCloseTo(180, 4);
  });
});

describe('faceRectFromLandmarks', () => {
  it('levels points 33 and 263 and takes 1.5x the longer side of all points', () => {
    const W = 640, H = 480, tilt = 25 * deg;
    const landmarks = new Float32Array(478 * 3);
    // All points on a 100 x 140 px box centred at (320, 240), eye corners tilted by 25 degrees.
    for (let i = 0; i < 478; i++) landmarks.set([(270 + (i % 2) * 100) / W, (170 + (i % 3 === 0 ? 140 : 0)) / H, 0], 3 * i);
    landmarks.set([(320 - 40 * Math.cos(tilt)) / W, (240 + 40 * Math.sin(tilt)) / H], 3 * 33);
    landmarks.set([(320 + 40 * Math.cos(tilt)) / W, (240 - 40 * Math.sin(tilt)) / H], 3 * 263);
    const rect = faceRectFromLandmarks(landmarks, W, H);
    expect(rect.rotation).toBeCloseTo(-tilt, 6);
    expect(rect.xCenter * W).toBeCloseTo(320, 4);
    expect(rect.yCenter * H).toBeCloseTo(240, 4);
    expect(rect.width * W).toBeCloseTo(210, 3);
    expect(rect.height * H).toBeCloseTo(210, 3);
  });
});

describe('associateRects', () => {
  const at = (x: number, y: number, size = 0.2): NormalizedRect => ({ xCenter: x, yCenter: y, width: size, height: size, rotation: 0 });

  it('lets a detected rect replace the tracked one it overlaps, and keeps the rest in order', () => {
    const tracked = [at(0.2, 0.2), at(0.7, 0.7)];
    const detected = [at(0.21, 0.2), at(0.5, 0.1, 0.1)];
    const out = associateRects(tracked, detected, 0.5);
    expect(out).toEqual([tracked[1], detected[0], detected[1]]);
  });

  it('passes the tracked rects through when the detector did not run', () => {
    const tracked = [at(0.2, 0.2), at(0.7, 0.7)];
    expect(associateRects(tracked, [])).toEqual(tracked);
  });
});
