import type { RgbImage } from '../image/rgb-image.js';
import { softmax } from '../math/vector.js';
import { ImageModel } from './image-model.js';
import type { ModelSource } from './model-source.js';
import { openModelSession, type InferenceOptions } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

export const EXPRESSION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type ExpressionLabel = (typeof EXPRESSION_LABELS)[number];

/**
 * DenseNet-121 FER classifier. Besides its 7 logits it exposes the 1024-d globally pooled feature
 * (tensor `1160`, added as an output at provisioning) that an expression embedding can build on.
 */
export const DENSENET_FER = {
  kind: 'densenet121-fer',
  source: {
    file: 'fr_expression.onnx',
    packagePath: 'model/fr_expression.onnx',
    sha256: '88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05',
    patch: { batchDimension: 'batch', extraOutputs: [{ name: '1160', features: 1024 }] },
  } satisfies ModelSource,
  input: { name: 'input', width: 224, height: 224, colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } satisfies ImageInputContract,
  outputs: { logits: 'output', pooled: '1160' },
  labels: EXPRESSION_LABELS,
  /**
   * The same model with int8 convolutions (src/models/quantize.ts), derived by `mien models fetch`
   * and calibrated on the built-in demo picture: on the CPU provider 2x faster on one thread and as
   * fast on one as the float model on two, same triplet accuracy on the fixtures (docs/models.md).
   * The CPU default; CUDA runs the float one.
   */
  int8: { file: 'fr_expression.int8.onnx' },
} as const;

export interface ExpressionOutputs {
  /** 7 logits in EXPRESSION_LABELS order. */
  readonly logits: Float32Array;
  /** softmax(logits). */
  readonly probabilities: Float32Array;
  /** 1024-d pooled backbone feature. */
  readonly pooled: Float32Array;
}

export class ExpressionModel extends ImageModel {
  static async open(path: string, options?: InferenceOptions): Promise<ExpressionModel> {
    return new ExpressionModel(await openModelSession(path, options), DENSENET_FER.input);
  }

  async analyse(crops: readonly RgbImage[]): Promise<ExpressionOutputs[]> {
    const { logits, pooled } = DENSENET_FER.outputs;
    const [logitRows, pooledRows] = await this.run(crops, [logits, pooled]);
    return logitRows.map((l, i) => ({ logits: l, probabilities: softmax(l), pooled: pooledRows[i] }));
  }
}
