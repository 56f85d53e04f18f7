// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher } from '../src/state/frame-batcher.js';

describe('FrameBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('hands everything pushed before the next animation frame over at once', async () => {
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => batches.push([...items]));
    for (let i = 0; i < 500; i++) batcher.push(i);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
    batcher.push(500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(batches.map((b) => b.length)).toEqual([500, 1]);
  });

  it('still hands batches over in a hidden tab, where no animation frame comes', () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    const flush = vi.fn();
    const batcher = new FrameBatcher<string>(flush);
    batcher.push('a');
    batcher.push('b');
    vi.advanceTimersByTime(249);
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledExactlyOnceWith(['a', 'b']);
  });
});
