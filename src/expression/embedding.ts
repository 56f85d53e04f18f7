import type { ExpressionOutputs } from '../models/expression.js';
import type { ExpressionModelKind } from '../models/index.js';
import { l2Normalise } from '../math/vector.js';
import { headEmbedding, type EmbeddingHead } from './head.js';

/** What an expression embedding is called, its size, and its default tag distance. */
export interface ExpressionEmbeddingKind {
  readonly name: string;
  readonly dimensions: number;
  /** Default tag distance: Euclidean, between L2-normalised vectors. */
  readonly defaultThreshold: number;
}

/**
 * The one home of Mien's expression embedding: what it is built from, its size, and how distances
 * in it read (Euclidean on unit vectors). Everything downstream (FEC evaluation, search, summaries,
 * tags) calls `expressionEmbedding`.
 *
 * The default is the expression model's 7 class probabilities, L2-normalised: it ships with the
 * models alone. Each model's threshold is calibrated by bench/threshold.ts (the best balanced
 * accuracy on London smiles against other people's neutral faces); recalibrate whenever the
 * embedding changes, and rename it, so that references stored with the old one are not matched
 * against the new. FaceExpressionNet's probabilities are nearly one-hot; a softmax temperature of
 * 3 grades its distances but scored lower on video triplets (docs/expression.md), so it is not used.
 * A trained FEENet head (`mien train-head`, an ONNX file) replaces it when the settings name one
 * ($MIEN_EXPRESSION_HEAD, read at the edge): the model's pooled features go through the head instead. No head ships with Mien,
 * because the only training data at hand is the test fixtures, which the product must not depend
 * on (see docs/expression.md).
 */
export const EXPRESSION_EMBEDDINGS: Readonly<Record<ExpressionModelKind, ExpressionEmbeddingKind>> = {
  'face-api-expression-net': { name: 'face-api-expression-net-7-probabilities', dimensions: 7, defaultThreshold: 0.8 },
  'densenet121-fer': { name: 'fer7-probabilities', dimensions: 7, defaultThreshold: 0.45 },
};

/** A trained head's default tag distance: the paper's, for its 16-d FEENet. */
const HEAD_THRESHOLD = 0.5;

/**
 * Which embedding `expressionEmbedding` gives with `head` over the expression model of kind `model`
 * (the opened model's contract kind, not the environment's: callers may open another).
 */
export function expressionEmbeddingKind(model: string, head?: EmbeddingHead): ExpressionEmbeddingKind {
  if (!head) {
    if (!Object.hasOwn(EXPRESSION_EMBEDDINGS, model)) throw new TypeError(`no expression embedding is calibrated for the expression model "${model}"`);
    return EXPRESSION_EMBEDDINGS[model as ExpressionModelKind];
  }
  return { name: `feenet-head-${head.inputs}-${head.hidden}-${head.outputs}`, dimensions: head.outputs, defaultThreshold: HEAD_THRESHOLD };
}

export function expressionEmbedding(outputs: ExpressionOutputs, head?: EmbeddingHead): Float32Array {
  if (!head) return l2Normalise(Float32Array.from(outputs.probabilities));
  if (outputs.pooled.length !== head.inputs) {
    throw new TypeError(
      `the trained head ($MIEN_EXPRESSION_HEAD) takes ${head.inputs} features, the expression model gives ${outputs.pooled.length}: ` +
        'train it on the running expression model ($MIEN_EXPRESSION_MODEL), or run the model it was trained on',
    );
  }
  return headEmbedding(head, outputs.pooled);
}
