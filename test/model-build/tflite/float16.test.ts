import { describe, expect, it } from 'vitest';
import { decodeFloat16, float16ToFloat32 } from '../../../src/model-build/tflite/float16.js';

describe('float16ToFloat32', () => {
  it('decodes normal, subnormal and special binary16 values exactly', () => {
    expect(float16ToFloat32(0x3c00)).toBe(1);
    expect(float16ToFloat32(0xc000)).toBe(-2);
    expect(float16ToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16ToFloat32(0x7bff)).toBe(65504);
    expect(float16ToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16ToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16ToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(float16ToFloat32(0x8000), -0)).toBe(true);
    expect(float16ToFloat32(0x7c00)).toBe(Infinity);
    expect(float16ToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16ToFloat32(0x7e00)).toBeNaN();
  });

  it('reads little-endian buffers', () => {
    expect(Array.from(decodeFloat16(Uint8Array.of(0x00, 0x3c, 0x00, 0xc0)))).toEqual([1, -2]);
  });
});
