import { describe, expect, it } from 'vitest';
import { FaceTracker } from '../../src/face/face-tracker.js';

describe('FaceTracker', () => {
  it('keeps ids for faces that move a little and gives new faces new ids', () => {
    const t = new FaceTracker();
    expect(t.update(0, [[0, 0, 10, 10], [50, 50, 60, 60]])).toEqual([1, 2]);
    expect(t.update(0.04, [[52, 51, 62, 61], [1, 0, 11, 10], [100, 0, 110, 10]])).toEqual([2, 1, 3]);
  });

  it('does not give two boxes the same track', () => {
    const t = new FaceTracker();
    t.update(0, [[0, 0, 10, 10]]);
    expect(t.update(0.04, [[0, 0, 10, 10], [1, 1, 11, 11]])).toEqual([1, 2]);
  });

  it('ends tracks unseen for longer than the gap, and after a jump back in time', () => {
    const t = new FaceTracker({ maxGap: 0.5 });
    t.update(0, [[0, 0, 10, 10]]);
    expect(t.update(0.4, [[0, 0, 10, 10]])).toEqual([1]);
    expect(t.update(1.0, [[0, 0, 10, 10]])).toEqual([2]);
    expect(t.update(0.2, [[0, 0, 10, 10]])).toEqual([3]);
  });
});
