import type { RgbImage } from '../image/rgb-image.js';
import { softmax } from '../math/vector.js';
import { ImageModel } from './image-model.js';
import { facepluginModel, type ModelSource } from './model-source.js';
import { openModelSession, type InferenceOptions, type ModelSession } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

/** The order of every expression model's logits, whatever order the model was trained in. */
export const EXPRESSION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type ExpressionLabel = (typeof EXPRESSION_LABELS)[number];

/** Which crop of a located face an expression model reads. */
export type ExpressionCrop =
  /** The paper's crop (src/face/align.ts EYE_CROP): eyes level, 70 px apart. */
  | { readonly kind: 'eye-aligned' }
  /**
   * The 68 landmarks' bounding box grown by each of `growths`, cut at the frame, padded black to a
   * square: one view per growth, their outputs averaged (`meanExpressionOutputs`).
   */
  | { readonly kind: 'landmark-box'; readonly growths: readonly number[] };

/** What an expression model adapter declares: its file, input, crop and outputs. */
export interface ExpressionModelContract {
  readonly kind: string;
  readonly source: ModelSource;
  readonly input: ImageInputContract;
  readonly crop: ExpressionCrop;
  /** Output names: 7 logits in EXPRESSION_LABELS order, and a pooled feature vector of `pooledSize`. */
  readonly outputs: { readonly logits: string; readonly pooled: string };
  readonly pooledSize: number;
}

/**
 * DenseNet-121 FER classifier (the faceplugin package). Besides its 7 logits it exposes the 1024-d globally pooled feature
 * (tensor `1160`, added as an output at provisioning) that an expression embedding can build on.
 */
export const DENSENET_FER = {
  kind: 'densenet121-fer',
  source: facepluginModel('fr_expression.onnx', '88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05', { batchDimension: 'batch', extraOutputs: [{ name: '1160', features: 1024 }] }),
  input: { name: 'input', width: 224, height: 224, colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } satisfies ImageInputContract,
  crop: { kind: 'eye-aligned' },
  outputs: { logits: 'output', pooled: '1160' },
  pooledSize: 1024,
  /**
   * The same model with int8 convolutions (src/model-build/quantize.ts), derived by `mien models fetch`
   * and calibrated on the built-in demo picture: on the CPU provider 2x faster on one thread and as
   * fast on one as the float model on two, same triplet accuracy on the fixtures (docs/models.md).
   * The CPU default for this model; CUDA runs the float one.
   */
  int8: { file: 'fr_expression.int8.onnx' },
} as const satisfies ExpressionModelContract & { readonly int8: { readonly file: string } };

export interface ExpressionOutputs {
  /** 7 logits in EXPRESSION_LABELS order. */
  readonly logits: Float32Array;
  /** softmax(logits); over several views of a face, the mean of theirs. */
  readonly probabilities: Float32Array;
  /** The backbone's pooled features (the contract's `pooledSize`). */
  readonly pooled: Float32Array;
}

/**
 * One face's outputs from several views of it: each field the mean of the views'. Probabilities
 * are averaged as probabilities (not softmax of the mean logits), which is what was measured.
 */
export function meanExpressionOutputs(views: readonly ExpressionOutputs[]): ExpressionOutputs {
  if (views.length === 1) return views[0];
  const mean = (pick: (o: ExpressionOutputs) => Float32Array): Float32Array => {
    const out = new Float32Array(pick(views[0]).length);
    for (const view of views) pick(view).forEach((v, i) => (out[i] += v / views.length));
    return out;
  };
  return { logits: mean((o) => o.logits), probabilities: mean((o) => o.probabilities), pooled: mean((o) => o.pooled) };
}

export class ExpressionModel extends ImageModel {
  static async open(path: string, contract: ExpressionModelContract, options?: InferenceOptions): Promise<ExpressionModel> {
    return new ExpressionModel(await openModelSession(path, options), contract);
  }

  private constructor(
    session: ModelSession,
    readonly contract: ExpressionModelContract,
  ) {
    super(session, contract.input);
  }

  get kind(): string {
    return this.contract.kind;
  }

  get crop(): ExpressionCrop {
    return this.contract.crop;
  }

  async analyse(crops: readonly RgbImage[]): Promise<ExpressionOutputs[]> {
    const { logits, pooled } = this.contract.outputs;
    const [logitRows, pooledRows] = await this.run(crops, [logits, pooled]);
    return logitRows.map((l, i) => ({ logits: l, probabilities: softmax(l), pooled: pooledRows[i] }));
  }
}
