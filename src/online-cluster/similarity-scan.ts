/**
 * Exact similarity search over a fixed number of slots, each holding one unit-length embedding.
 * Similarities are dot products, which for unit vectors are cosine similarities. Implementations
 * must compute dot(a, b) and dot(b, a) bit-identically, so that "is a neighbour of" is symmetric.
 */
export interface SimilarityScan {
  readonly capacity: number;
  readonly dimension: number;
  /** Stores `vector` (of `dimension` values) in `slot`. */
  write(slot: number, vector: Float32Array): void;
  /** The vector in `slot`: a view, valid until the slot is written again. */
  row(slot: number): Float32Array;
  /**
   * The slots first, first + 1, ... (`count` of them, wrapping past the last slot to slot 0) whose
   * similarity to `query` is at least `minSimilarity`, in that order.
   */
  within(query: Float32Array, first: number, count: number, minSimilarity: number): Neighbourhood;
  /** The similarity of `query` to each of `slots`. */
  dots(query: Float32Array, slots: Int32Array): Float32Array;
}

/** Slots found by a scan and their similarities to its query, index for index. */
export interface Neighbourhood {
  readonly slots: Int32Array;
  readonly similarities: Float32Array;
}

/** Makes the scan an `IncrementalDbscan` keeps its points in. */
export type SimilarityScanFactory = (capacity: number, dimension: number) => SimilarityScan;
