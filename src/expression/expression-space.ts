import type { FaceCore, LocatedFace } from '../face/analyser.js';
import { landmarkBoxCrop } from '../face/align.js';
import type { ExpressionOutputs } from '../models/expression.js';
import { expressionEmbedding, expressionEmbeddingKind, type ExpressionEmbeddingKind } from './embedding.js';
import type { EmbeddingHead } from './head.js';
import { expressionFeatures, RELATIVE_EMBEDDING_SIZE, relativeEmbedding } from './relative-embedding.js';

/** One face's expression as measured: everything a space embeds. */
export interface MeasuredExpression {
  /** The classifier's outputs over the views the space reads. */
  readonly outputs: ExpressionOutputs;
  /** Relative spaces: the face's features (live blendshapes and probabilities, relative-embedding.ts). */
  readonly features?: Float32Array;
}

/**
 * FaceExpressionNet's crop in the relative space: face-api's own (the 68 points' box grown 0.2),
 * one view. Its authors chose it; the three scales the classifier alone reads were chosen on the
 * fixtures and do not carry over to other people (docs/expression.md).
 */
const FACE_API_GROWTH = 0.2;

/**
 * The relative embedding (relative-embedding.ts): MediaPipe's blendshapes and FaceExpressionNet's
 * probabilities, read against each person's resting face. Threshold from bench/threshold.ts: on
 * London training people the balanced accuracy is flat from 0.80 (0.905) to 0.90 (0.914; every
 * resting face lies beyond 1.1 of a smile reference); the lower end is taken, because the bench
 * has only resting faces to refuse, and other expressions lie nearer a reference than rest does.
 */
export const RELATIVE_EMBEDDING: ExpressionEmbeddingKind = { name: 'relative-blendshapes-probabilities-v1', dimensions: RELATIVE_EMBEDDING_SIZE, defaultThreshold: 0.8 };

/**
 * How one analysis turns faces into expression embeddings, chosen once from the opened models and
 * the settings: the relative embedding where MediaPipe's Face Landmarker is provisioned (with
 * FaceExpressionNet, whose spread it was measured with, and no trained head); otherwise the
 * classifier's probabilities, or a trained head over its features, as embedding.ts says.
 */
export class ExpressionSpace {
  private constructor(
    readonly core: FaceCore,
    readonly kind: ExpressionEmbeddingKind,
    /** Whether faces are read against their person's resting face (they then need one to embed). */
    readonly relative: boolean,
    private readonly head: EmbeddingHead | undefined,
  ) {}

  /** The space for `core`'s models, through `head` when one is given. */
  static of(core: FaceCore, head?: EmbeddingHead): ExpressionSpace {
    const relative = head === undefined && core.models.faceMesh !== undefined && core.models.expression.kind === 'face-api-expression-net';
    return new ExpressionSpace(core, relative ? RELATIVE_EMBEDDING : expressionEmbeddingKind(core.models.expression.kind, head), relative, head);
  }

  /** Measures faces: the classifier (and in a relative space the face mesh), one batched call each. */
  async measure(faces: readonly LocatedFace[]): Promise<MeasuredExpression[]> {
    if (!this.relative) return (await this.core.expressions(faces)).map((outputs) => ({ outputs }));
    const { width } = this.core.models.expression.input;
    const [outputs, meshes] = await Promise.all([
      this.core.expressionsOfViews(faces.map((f) => [landmarkBoxCrop(f.frame, f.landmarks68, FACE_API_GROWTH, width)])),
      this.core.meshes(faces),
    ]);
    return outputs.map((o, i) => ({ outputs: o, features: expressionFeatures(meshes![i].blendshapes, o.probabilities) }));
  }

  /** The embedding of a measured face; a relative space needs the resting face of its person. */
  embed(measured: MeasuredExpression, rest?: ArrayLike<number>): Float32Array {
    if (!this.relative) return expressionEmbedding(measured.outputs, this.head);
    if (!measured.features || !rest) throw new TypeError('the relative expression embedding needs the face features and its person\'s resting face');
    return relativeEmbedding(measured.features, rest);
  }
}
