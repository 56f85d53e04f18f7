import { describe, expect, it } from 'vitest';
import { faceDetectorPostprocess, faceLandmarksPostprocess } from '../../../src/face/mediapipe/pipeline.js';
import { ANCHOR_STRIDE, faceDetectorAnchors } from '../../../src/face/mediapipe/ssd-anchors.js';

const anchors = faceDetectorAnchors();

describe('faceDetectorPostprocess', () => {
  it('decodes, merges, projects to the image and derives the eyes-level ROIs', () => {
    // 1280x720 letterboxed into 128: scale 0.1, bars of 28 px above and below.
    const regressors = new Float32Array(896 * 16);
    const classificators = new Float32Array(896).fill(-100);
    // Two neighbouring anchors see the same face (input pixels): box centre (64, 60), 30 x 30,
    // eyes at (57, 55) and (71, 51): tilted up to the right.
    for (const [box, score] of [[600, 3], [601, 1]] as const) {
      const ax = anchors[box * ANCHOR_STRIDE] * 128, ay = anchors[box * ANCHOR_STRIDE + 1] * 128;
      regressors.set([64 - ax, 60 - ay, 30, 30, 57 - ax, 55 - ay, 71 - ax, 51 - ay], box * 16);
      classificators[box] = score;
    }
    const { detections, faceRects, expandedFaceRects } = faceDetectorPostprocess(regressors, classificators, 1280, 720);
    expect(detections).toHaveLength(1);
    const [d] = detections;
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect((d.xMin + d.width / 2) * 1280).toBeCloseTo(640, 2);
    expect((d.yMin + d.height / 2) * 720).toBeCloseTo((60 - 28) * 10, 2);
    expect(d.width * 1280).toBeCloseTo(300, 2);
    expect(faceRects[0].rotation).toBeCloseTo(-Math.atan2(4, 14), 5);
    expect(expandedFaceRects[0].width * 1280).toBeCloseTo(450, 2);
    expect(expandedFaceRects[0].rotation).toBe(faceRects[0].rotation);
  });

  it('returns nothing when no anchor reaches the confidence', () => {
    const out = faceDetectorPostprocess(new Float32Array(896 * 16), new Float32Array(896).fill(-5), 640, 480);
    expect(out.detections).toEqual([]);
    expect(out.expandedFaceRects).toEqual([]);
  });
});

describe('faceLandmarksPostprocess', () => {
  const rect = { xCenter: 0.5, yCenter: 0.5, width: 0.4, height: 0.4 * (4 / 3), rotation: 0 };
  const raw = new Float32Array(1434).map((_, i) => (i % 3 === 2 ? 0 : 64 + (i % 128)));

  it('emits the next ROI only for a present face', () => {
    const present = faceLandmarksPostprocess(raw, 2, rect, 640, 480);
    expect(present.present).toBe(true);
    expect(present.nextRect).toBeDefined();
    const absent = faceLandmarksPostprocess(raw, -2, rect, 640, 480);
    expect(absent.present).toBe(false);
    expect(absent.nextRect).toBeUndefined();
    expect(absent.landmarks).toEqual(present.landmarks);
  });
});
