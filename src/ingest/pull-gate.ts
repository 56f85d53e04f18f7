/**
 * Demand between a source that waits for its consumer (a file) and an asynchronous consumer (the
 * analysis): the source counts each frame it hands over (`enter`), the consumer each frame it has
 * finished with (`leave`), and the source pulls its next frame only once fewer than `capacity`
 * are in between. Without it a file decoded faster than it is analysed would pile up in memory.
 */
export class PullGate {
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  enter(): void {
    this.#inFlight++;
  }

  leave(count = 1): void {
    this.#inFlight = Math.max(0, this.#inFlight - count);
    while (this.#inFlight < this.capacity && this.#waiting.length > 0) this.#waiting.shift()!();
  }

  /** Resolves once there is room for another frame. */
  ready(): Promise<void> {
    if (this.#inFlight < this.capacity) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}
