import type { RgbImage } from '../image/rgb-image.js';
import { l2Normalise } from '../math/vector.js';
import { ImageModel } from './image-model.js';
import { facepluginModel } from './model-source.js';
import { openModelSession, type InferenceOptions } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

/** MobileFaceNet: a 512-d face-recognition embedding of a 112x112 crop aligned to the ArcFace template. */
export const MOBILEFACENET = {
  kind: 'mobilefacenet',
  source: facepluginModel('fr_feature.onnx', '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581', { batchDimension: 'batch' }),
  input: { name: 'input', width: 112, height: 112, colour: 'rgb', mean: [127, 127, 127], std: [128, 128, 128] } satisfies ImageInputContract,
  output: 'output',
  dimensions: 512,
  // ORT's 'all' level (NCHWc layouts) runs this PReLU network 3x slower than 'extended'.
  graphOptimizationLevel: 'extended',
} as const;

export class IdentityModel extends ImageModel {
  static async open(path: string, options?: InferenceOptions): Promise<IdentityModel> {
    return new IdentityModel(await openModelSession(path, { graphOptimizationLevel: MOBILEFACENET.graphOptimizationLevel, ...options }), MOBILEFACENET.input);
  }

  /** L2-normalised identity embeddings, one per aligned 112x112 crop. */
  async embed(alignedCrops: readonly RgbImage[]): Promise<Float32Array[]> {
    const [rows] = await this.run(alignedCrops, [MOBILEFACENET.output]);
    return rows.map((row) => l2Normalise(Float32Array.from(row)));
  }
}
