import { describe, expect, it } from 'vitest';
import { BLENDSHAPE_INPUT_SHAPE, BLENDSHAPE_LANDMARK_INDICES, blendshapeInput } from '../../../src/face/mediapipe/blendshape-input.js';
import { BLENDSHAPE_NAMES, namedBlendshapes } from '../../../src/face/mediapipe/blendshape-names.js';

describe('blendshape input', () => {
  it('uses exactly 146 distinct landmark indices below 478, in ascending order, irises included', () => {
    expect(BLENDSHAPE_LANDMARK_INDICES).toHaveLength(146);
    expect(new Set(BLENDSHAPE_LANDMARK_INDICES).size).toBe(146);
    expect(BLENDSHAPE_LANDMARK_INDICES.every((i) => Number.isInteger(i) && i >= 0 && i < 478)).toBe(true);
    expect([...BLENDSHAPE_LANDMARK_INDICES].sort((a, b) => a - b)).toEqual(BLENDSHAPE_LANDMARK_INDICES);
    for (let i = 468; i < 478; i++) expect(BLENDSHAPE_LANDMARK_INDICES).toContain(i);
    expect(BLENDSHAPE_INPUT_SHAPE).toEqual([1, 146, 2]);
  });

  it('takes the subset in order and scales x by the image width, y by its height', () => {
    const landmarks = new Float32Array(478 * 3);
    for (let i = 0; i < 478; i++) landmarks.set([i / 1000, i / 2000, 0.5], 3 * i);
    const input = blendshapeInput(landmarks, 640, 480);
    expect(input.length).toBe(292);
    BLENDSHAPE_LANDMARK_INDICES.forEach((index, k) => {
      expect(input[2 * k]).toBeCloseTo((index / 1000) * 640, 4);
      expect(input[2 * k + 1]).toBeCloseTo((index / 2000) * 480, 4);
    });
    expect(() => blendshapeInput(new Float32Array(100), 640, 480)).toThrow(TypeError);
  });
});

describe('blendshape names', () => {
  it('lists the 52 outputs in model order, _neutral first', () => {
    expect(BLENDSHAPE_NAMES).toHaveLength(52);
    expect(new Set(BLENDSHAPE_NAMES).size).toBe(52);
    expect(BLENDSHAPE_NAMES[0]).toBe('_neutral');
    expect(BLENDSHAPE_NAMES[9]).toBe('eyeBlinkLeft');
    expect(BLENDSHAPE_NAMES[25]).toBe('jawOpen');
    expect(BLENDSHAPE_NAMES[51]).toBe('noseSneerRight');
    const named = namedBlendshapes(Float32Array.from({ length: 52 }, (_, i) => i / 100));
    expect(named[44]).toEqual({ index: 44, name: 'mouthSmileLeft', score: expect.closeTo(0.44, 6) });
  });
});
