import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Poller } from '../src/state/poller.js';

describe('Poller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once, then an interval after each run ends, never two at a time, until stopped', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const poller = new Poller(1000, async () => {
      runs++;
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running--;
    });
    poller.start();
    poller.start();
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1500 + 999);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    poller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('runs now when asked, and goes on from there', async () => {
    const task = vi.fn(async () => {});
    const poller = new Poller(1000, task);
    poller.start();
    await vi.advanceTimersByTimeAsync(400);
    poller.runNow();
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(3);
    poller.stop();
  });
});
