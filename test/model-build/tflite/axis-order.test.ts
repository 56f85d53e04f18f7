import { describe, expect, it } from 'vitest';
import { keepsMemoryOrder, NCHW, permuteArray, transposePerm } from '../../../src/model-build/tflite/axis-order.js';

describe('permuteArray', () => {
  it('moves axes like a transpose: output axis i is input axis perm[i]', () => {
    const shape = [2, 3, 4];
    const values = Float32Array.from({ length: 24 }, (_, i) => i);
    const { values: out, shape: outShape } = permuteArray(values, shape, [2, 0, 1]);
    expect(outShape).toEqual([4, 2, 3]);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) expect(out[(c * 2 + a) * 3 + b]).toBe(values[(a * 3 + b) * 4 + c]);
  });

  it('turns an NHWC tensor into NCHW', () => {
    // [1, H=1, W=2, C=3]: pixels (c0, c1, c2) = (0, 1, 2), (3, 4, 5).
    const { values, shape } = permuteArray(Float32Array.of(0, 1, 2, 3, 4, 5), [1, 1, 2, 3], NCHW);
    expect(shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(values)).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

describe('axis orders', () => {
  it('gives the Transpose perm between two orders', () => {
    expect(transposePerm([0, 1, 2, 3], NCHW)).toEqual([0, 3, 1, 2]);
    expect(transposePerm(NCHW, [0, 1, 2, 3])).toEqual([0, 2, 3, 1]);
  });

  it('knows when only unit axes are out of place', () => {
    expect(keepsMemoryOrder([1, 1, 1, 1434], NCHW)).toBe(true);
    expect(keepsMemoryOrder([1, 16, 16, 2], NCHW)).toBe(false);
    expect(keepsMemoryOrder([1, 1, 97, 64], NCHW)).toBe(false);
    expect(keepsMemoryOrder([1, 1, 97, 1], NCHW)).toBe(true);
  });
});
