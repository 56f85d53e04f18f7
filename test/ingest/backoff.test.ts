import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, resolveBackoff } from '../../src/ingest/backoff.js';

describe('backoffDelay', () => {
  it('doubles from half a second up to half a minute by default', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((retry) => backoffDelay(retry, resolveBackoff()));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(resolveBackoff().maxRetries).toBe(Infinity);
  });

  it('follows the given policy', () => {
    const policy = resolveBackoff({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, maxRetries: 5 });
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy))).toEqual([100, 300, 900, 1000]);
    expect(policy).toEqual({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, maxRetries: 5 });
  });

  it('refuses policies that make no backoff', () => {
    expect(() => resolveBackoff({ initialDelayMs: 5000, maxDelayMs: 1000 })).toThrow(/initialDelayMs <= maxDelayMs/);
    expect(() => resolveBackoff({ factor: 0.5 })).toThrow(/factor must be at least 1/);
    expect(() => resolveBackoff({ maxRetries: -1 })).toThrow(TypeError);
    expect(DEFAULT_BACKOFF.initialDelayMs).toBe(500);
  });
});
