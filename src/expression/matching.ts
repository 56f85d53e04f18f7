import { euclideanDistance } from '../math/vector.js';

/** A custom expression: one reference face's embedding and the tags it stands for. */
export interface ExpressionReference {
  readonly id: number;
  readonly tags: readonly string[];
  readonly embedding: Float32Array;
  /** Overrides the default distance threshold for this reference. */
  readonly threshold?: number;
}

export interface ReferenceMatch {
  readonly reference: ExpressionReference;
  readonly distance: number;
  /** How strongly the face shows the reference's expression (1: as strongly), where the embedding can tell. */
  readonly intensity?: number;
}

/** How strongly a pooled embedding shows a reference's expression (relative embeddings: expressionIntensity). */
export type IntensityMeasure = (pooled: Float32Array, reference: Float32Array) => number;

/**
 * The references within threshold of a pooled embedding, closest first. Distances are Euclidean
 * between L2-normalised embeddings, as in the paper (0..2; the paper tags within 0.5).
 */
export function matchReferences(pooled: Float32Array, references: readonly ExpressionReference[], defaultThreshold: number, intensity?: IntensityMeasure): ReferenceMatch[] {
  const matches: ReferenceMatch[] = [];
  for (const reference of references) {
    if (reference.embedding.length !== pooled.length) continue;
    const distance = euclideanDistance(pooled, reference.embedding);
    if (distance <= (reference.threshold ?? defaultThreshold)) matches.push({ reference, distance, ...(intensity && { intensity: intensity(pooled, reference.embedding) }) });
  }
  return matches.sort((a, b) => a.distance - b.distance);
}

/**
 * Splits stored references into those made with the running embedding and the rest. A reference
 * made with another (before the expression model or head changed) lives in another space: its
 * distances would be meaningless, so it is not matched until it is added again.
 */
export function referencesFor<R extends StoredEmbedding>(references: readonly R[], embedding: string): { readonly matched: R[]; readonly unmatched: R[] } {
  return {
    matched: references.filter((r) => madeWithEmbedding(r, embedding)),
    unmatched: references.filter((r) => !madeWithEmbedding(r, embedding)),
  };
}

/** Whether `reference` was made with the embedding named `embedding`, so it can be matched. */
export function madeWithEmbedding(reference: Pick<StoredEmbedding, 'embeddingModel'>, embedding: string): boolean {
  return reference.embeddingModel === embedding;
}

interface StoredEmbedding {
  readonly id: number;
  readonly tags: readonly string[];
  readonly embeddingModel: string;
}

/** What to tell the operator about a reference `referencesFor` left unmatched. */
export function unmatchedReferenceNotice(reference: StoredEmbedding, embedding: string): string {
  return `reference ${reference.id} (${reference.tags.join(', ')}) was made with the embedding ${reference.embeddingModel}, the running one is ${embedding}: not matched; add it again`;
}
