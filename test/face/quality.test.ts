import { describe, expect, it } from 'vitest';
import { judgeQuality } from '../../src/face/quality.js';
import { sharpnessAroundEyes } from '../../src/face/sharpness.js';
import { createRgbImage } from '../../src/image/rgb-image.js';

const LEFT = [77, 96] as const, RIGHT = [147, 96] as const;

function paint(pixel: (x: number, y: number) => number) {
  const image = createRgbImage(224, 224);
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) image.data.fill(pixel(x, y), (y * 224 + x) * 3, (y * 224 + x) * 3 + 3);
  }
  return image;
}

describe('sharpnessAroundEyes', () => {
  it('is zero on a flat picture', () => {
    expect(sharpnessAroundEyes(paint(() => 128), LEFT, RIGHT)).toBe(0);
  });

  it('is high on fine detail and low on a smooth ramp', () => {
    const checker = sharpnessAroundEyes(paint((x, y) => ((x + y) % 2 ? 200 : 50)), LEFT, RIGHT);
    const ramp = sharpnessAroundEyes(paint((x) => x), LEFT, RIGHT);
    expect(checker).toBeGreaterThan(50);
    expect(ramp).toBeLessThan(0.5);
  });

  it('reads only the patches around the eyes', () => {
    const detailElsewhere = paint((x, y) => (y > 150 && (x + y) % 2 ? 255 : 0));
    expect(sharpnessAroundEyes(detailElsewhere, LEFT, RIGHT)).toBe(0);
  });

  it('reads a small face at its own resolution: the same texture scores alike at any eye distance', () => {
    const checker = paint((x, y) => ((x + y) % 2 ? 200 : 50));
    const wide = sharpnessAroundEyes(checker, LEFT, RIGHT);
    const narrow = sharpnessAroundEyes(checker, [90, 96], [110, 96]);
    expect(Math.abs(narrow - wide) / wide).toBeLessThan(0.1);
  });

  it('rejects a patch size that is not a whole number of pixels', () => {
    expect(() => sharpnessAroundEyes(paint(() => 0), LEFT, RIGHT, { patch: 2.5 })).toThrow(TypeError);
  });
});

describe('judgeQuality', () => {
  it('accepts a sharp frontal face', () => {
    expect(judgeQuality(7, 10)).toEqual({ accepted: true, reasons: [] });
  });

  it('gives every reason for a rejection', () => {
    expect(judgeQuality(2.9, -51)).toEqual({ accepted: false, reasons: ['blur', 'yaw'] });
    expect(judgeQuality(3, 50)).toEqual({ accepted: true, reasons: [] });
    expect(judgeQuality(Number.NaN, 0).reasons).toEqual(['blur']);
  });

  it('takes other thresholds', () => {
    expect(judgeQuality(5, 20, { minSharpness: 6, maxYaw: 15 }).reasons).toEqual(['blur', 'yaw']);
  });
});
