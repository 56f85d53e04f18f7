/** How a live source waits between reconnection attempts: exponential, bounded. */
export interface Backoff {
  /** Milliseconds before the first retry. Default 500. */
  readonly initialDelayMs?: number;
  /** Each retry waits this many times longer than the one before. Default 2. */
  readonly factor?: number;
  /** The longest wait in milliseconds. Default 30 000. */
  readonly maxDelayMs?: number;
  /** Retries in a row before giving up; the count restarts once frames flow. Default: never give up. */
  readonly maxRetries?: number;
}

export const DEFAULT_BACKOFF = { initialDelayMs: 500, factor: 2, maxDelayMs: 30_000, maxRetries: Infinity } as const;

/** Fills in the defaults; throws TypeError for values that make no backoff. */
export function resolveBackoff(backoff: Backoff = {}): Required<Backoff> {
  const resolved = { ...DEFAULT_BACKOFF, ...backoff };
  const { initialDelayMs, factor, maxDelayMs, maxRetries } = resolved;
  if (!(initialDelayMs >= 0 && maxDelayMs >= initialDelayMs)) {
    throw new TypeError(`backoff delays must satisfy 0 <= initialDelayMs <= maxDelayMs, got ${initialDelayMs} and ${maxDelayMs}`);
  }
  if (!(factor >= 1)) throw new TypeError(`backoff factor must be at least 1, got ${factor}`);
  if (!(maxRetries >= 0)) throw new TypeError(`backoff maxRetries must be 0 or more, got ${maxRetries}`);
  return resolved;
}

/** Milliseconds to wait before retry number `retry` (1 for the first). */
export function backoffDelay(retry: number, backoff: Required<Backoff>): number {
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** (retry - 1));
}
