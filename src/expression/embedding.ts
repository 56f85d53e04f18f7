import type { ExpressionOutputs } from '../models/expression.js';
import { l2Normalise } from '../math/vector.js';

/**
 * The one home of Mien's expression embedding: what it is built from, its size, and how distances
 * in it read. Everything downstream (pooling, matching, search, summaries) uses this function.
 *
 * For now it is the FER classifier's 7 class probabilities, L2-normalised: on cross-person
 * triplets they beat the 1024-d pooled backbone features, which encode who the person is more
 * than how they look (see docs/expression.md). The expression-embedding work replaces this with
 * a trained head.
 */
export const EXPRESSION_EMBEDDING = {
  name: 'fer7-probabilities',
  dimensions: 7,
  /**
   * Default tag distance (Euclidean, L2-normalised vectors; the paper used 0.5 for its 16-d
   * FEENet). Calibrated by bench/threshold.ts: the best balanced accuracy (0.767) on London smiles
   * against neutrals of other people. Recalibrate whenever the embedding changes.
   */
  defaultThreshold: 0.45,
} as const;

export function expressionEmbedding(outputs: ExpressionOutputs): Float32Array {
  return l2Normalise(Float32Array.from(outputs.probabilities));
}
