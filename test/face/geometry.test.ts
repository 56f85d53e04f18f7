import { describe, expect, it } from 'vitest';
import { alignEyes, ARCFACE_TEMPLATE_112, EYE_CROP, EYE_CROP_EYES, eyeCropAt, similarityTransform } from '../../src/face/align.js';
import { nonMaxSuppression, selectFaces } from '../../src/face/detect.js';
import type { Box, Point } from '../../src/face/geometry.js';
import { fivePointsFrom68 } from '../../src/face/landmarks.js';
import { applyAffine, invertAffine } from '../../src/image/affine.js';
import { createRgbImage } from '../../src/image/rgb-image.js';

describe('similarityTransform', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const angle = (25 * Math.PI) / 180, scale = 1.7, tx = 40, ty = -12;
    const move = ([x, y]: Point): Point => [
      scale * (Math.cos(angle) * x - Math.sin(angle) * y) + tx,
      scale * (Math.sin(angle) * x + Math.cos(angle) * y) + ty,
    ];
    const m = similarityTransform(ARCFACE_TEMPLATE_112, ARCFACE_TEMPLATE_112.map(move));
    for (const p of ARCFACE_TEMPLATE_112) {
      const [x, y] = applyAffine(m, p[0], p[1]);
      expect(x).toBeCloseTo(move(p)[0], 9);
      expect(y).toBeCloseTo(move(p)[1], 9);
    }
  });

  it('maps two eyes exactly onto two targets', () => {
    const m = similarityTransform([[100, 80], [140, 100]], [[77, 96], [147, 96]]);
    expect(applyAffine(m, 100, 80)).toEqual([expect.closeTo(77, 9), expect.closeTo(96, 9)]);
    expect(applyAffine(m, 140, 100)).toEqual([expect.closeTo(147, 9), expect.closeTo(96, 9)]);
  });

  it('refuses degenerate input', () => {
    expect(() => similarityTransform([[1, 1], [1, 1]], [[0, 0], [1, 1]])).toThrow(/all the same/);
    expect(() => similarityTransform([[1, 1]], [[0, 0]])).toThrow(TypeError);
  });
});

describe('alignEyes', () => {
  it('draws a tilted pair of eyes level, 70 px apart, where the crop puts them, once', () => {
    const frame = createRgbImage(400, 300);
    const eyes: [Point, Point] = [[150, 120], [230, 160]];
    for (const [x, y] of eyes) {
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) frame.data.fill(255, ((y + dy) * 400 + x + dx) * 3, ((y + dy) * 400 + x + dx) * 3 + 3);
    }
    const aligned = alignEyes(frame, { leftEye: eyes[0], rightEye: eyes[1], nose: [190, 200], mouthLeft: [160, 240], mouthRight: [220, 260] });
    const { image } = aligned;
    expect([image.width, image.height]).toEqual([EYE_CROP.size, EYE_CROP.size]);
    for (const [x, y] of EYE_CROP_EYES) expect(image.data[(y * image.width + x) * 3]).toBe(255);
    expect(image.data[(EYE_CROP.eyeLineY * image.width + EYE_CROP.size / 2) * 3]).toBe(0);
    expect(aligned.image).toBe(image);

    // The same crop drawn smaller straight from the frame (thumbnails): the eyes where they scale to.
    const small = eyeCropAt(frame, aligned.transform, 160);
    expect([small.width, small.height]).toEqual([160, 160]);
    for (const [x, y] of EYE_CROP_EYES) expect(small.data[(Math.round((y * 160) / EYE_CROP.size) * 160 + Math.round((x * 160) / EYE_CROP.size)) * 3]).toBeGreaterThan(200);
    expect(small.data[(Math.round((EYE_CROP.eyeLineY * 160) / EYE_CROP.size) * 160 + 80) * 3]).toBe(0);
  });
});

describe('invertAffine', () => {
  it('undoes the map', () => {
    const m = [1.2, -0.3, 5, 0.4, 0.9, -7] as const;
    const [x, y] = applyAffine(invertAffine(m), ...applyAffine(m, 13, 21));
    expect(x).toBeCloseTo(13, 9);
    expect(y).toBeCloseTo(21, 9);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping boxes and every separate one, best first', () => {
    const boxes: Box[] = [[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10]];
    expect(nonMaxSuppression(boxes, [0.8, 0.9, 0.7, 0.1], 0.3)).toEqual([1, 2]);
  });

  it('caps the count', () => {
    const boxes: Box[] = [[0, 0, 1, 1], [5, 5, 6, 6], [9, 9, 10, 10]];
    expect(nonMaxSuppression(boxes, [0.5, 0.9, 0.7], 0.3, 2)).toEqual([1, 2]);
  });
});

describe('selectFaces', () => {
  it('scales fractional boxes to pixels and drops low scores and tiny boxes', () => {
    const boxes = Float32Array.from([0.1, 0.1, 0.5, 0.6, 0.1, 0.1, 0.5, 0.6, 0.9, 0.9, 0.91, 0.91]);
    const faces = selectFaces({ boxes, scores: Float32Array.from([0.95, 0.5, 0.99]) }, 200, 100);
    expect(faces).toHaveLength(1);
    expect(faces[0].box.map((v) => Math.round(v))).toEqual([20, 10, 100, 60]);
    expect(faces[0].score).toBeCloseTo(0.95, 6);
  });
});

describe('fivePointsFrom68', () => {
  it('takes eye centres from the lids, the nose tip, and mouth corners', () => {
    const l = new Float32Array(136);
    for (let i = 0; i < 68; i++) {
      l[2 * i] = i;
      l[2 * i + 1] = 2 * i;
    }
    const p = fivePointsFrom68(l);
    expect(p.leftEye).toEqual([39, 78]);
    expect(p.rightEye).toEqual([45, 90]);
    expect(p.nose).toEqual([30, 60]);
    expect(p.mouthLeft).toEqual([54, 108]);
    expect(p.mouthRight).toEqual([59, 118]);
  });
});
