import type { ExpressionOutputs } from '../models/expression.js';
import { l2Normalise } from '../math/vector.js';
import { headEmbedding, readHeadOnnx, type EmbeddingHead } from './head.js';

/**
 * The one home of Mien's expression embedding: what it is built from, its size, and how distances
 * in it read (Euclidean on unit vectors). Everything downstream (FEC evaluation, search, summaries)
 * calls `expressionEmbedding`.
 *
 * The default is the FER classifier's 7 class probabilities, L2-normalised: it ships with the
 * models alone. A trained FEENet head (`mien train-head`, an ONNX file) replaces it when
 * $MIEN_EXPRESSION_HEAD names one: the backbone's pooled features go through the head instead.
 * No head ships with Mien, because the only training data at hand is the test fixtures, which
 * the product must not depend on (see docs/expression.md).
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

/** Names the trained head (ONNX from `mien train-head`) to embed with; unset: the default. */
export const EXPRESSION_HEAD_ENV = 'MIEN_EXPRESSION_HEAD';

let loaded: { readonly path: string; readonly head: EmbeddingHead } | undefined;

/** The head $MIEN_EXPRESSION_HEAD names, read once per path; undefined when it is unset. */
export function configuredExpressionHead(): EmbeddingHead | undefined {
  const path = process.env[EXPRESSION_HEAD_ENV];
  if (!path) return undefined;
  if (loaded?.path !== path) loaded = { path, head: readHeadOnnx(path) };
  return loaded.head;
}

/** Which embedding `expressionEmbedding` gives with `head`. */
export function expressionEmbeddingKind(head = configuredExpressionHead()): { readonly name: string; readonly dimensions: number } {
  return head ? { name: `feenet-head-${head.inputs}-${head.hidden}-${head.outputs}`, dimensions: head.outputs } : EXPRESSION_EMBEDDING;
}

export function expressionEmbedding(outputs: ExpressionOutputs, head = configuredExpressionHead()): Float32Array {
  return head ? headEmbedding(head, outputs.pooled) : l2Normalise(Float32Array.from(outputs.probabilities));
}
