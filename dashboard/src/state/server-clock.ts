/** How long the best estimate stands before a fresh one may replace it downwards. */
const ESTIMATE_LIFETIME_MS = 10_000;

/**
 * The server's clock, estimated from the wall times of live events, so the timelines' "now"
 * matches the times the server stamps even when this browser's clock is off. An event reaches the
 * page some time after its frame arrived, never before, so the largest recent offset is the best.
 */
export class ServerClock {
  private offsetMs = 0;
  private estimatedAt = -Infinity;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** An event stamped `wallMs` by the server just arrived. */
  observe(wallMs: number): void {
    const now = this.localNow();
    const offset = wallMs - now;
    if (offset > this.offsetMs || now - this.estimatedAt > ESTIMATE_LIFETIME_MS) {
      this.offsetMs = offset;
      this.estimatedAt = now;
    }
  }

  now(): number {
    return this.localNow() + this.offsetMs;
  }
}
