import { componentMedian, l2Normalise } from '../math/vector.js';

/** Per dimension, the median of the given embeddings (the mean of the middle two for an even count), L2-normalised. */
export function medianEmbedding(window: readonly Float32Array[]): Float32Array {
  return l2Normalise(componentMedian(window));
}

/**
 * The paper's temporal smoothing: per identity, in time order, the median of its last `size`
 * expression embeddings. One stray frame (a blink, a landmark slip) cannot move the pooled
 * embedding on its own.
 */
export class MedianPool {
  private readonly windows = new Map<number, Float32Array[]>();

  constructor(readonly size = 3) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError(`pool size must be a positive integer, got ${size}`);
  }

  /** Adds the identity's newest embedding and returns its pooled embedding. */
  push(identity: number, embedding: Float32Array): Float32Array {
    let window = this.windows.get(identity);
    if (!window) this.windows.set(identity, (window = []));
    window.push(embedding);
    if (window.length > this.size) window.shift();
    return medianEmbedding(window);
  }

  /** Identities `from` became `into`: the survivor keeps its own recent frames. */
  merge(from: readonly number[], into: number): void {
    for (const id of from) {
      const window = this.windows.get(id);
      this.windows.delete(id);
      if (window && !this.windows.has(into)) this.windows.set(into, window);
    }
  }
}
