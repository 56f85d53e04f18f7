import type { RgbImage } from '../image/rgb-image.js';
import { softmax } from '../math/vector.js';
import { ImageModel } from './image-model.js';
import { facepluginModel } from './model-source.js';
import { openModelSession, type InferenceOptions } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

/**
 * HopeNet (ShuffleNetV2 backbone): yaw, pitch and roll as 66 bins of 3 degrees each from -99;
 * the angle is the softmax-weighted bin index * 3 - 99. Input: the detection box widened by a
 * quarter on every side, resized to 224x224, ImageNet normalisation.
 */
export const HOPENET = {
  kind: 'hopenet-shufflenetv2',
  source: facepluginModel('fr_pose.onnx', '72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d', { batchDimension: 'batch' }),
  input: {
    name: 'input',
    width: 224,
    height: 224,
    colour: 'rgb',
    mean: [123.675, 116.28, 103.53],
    std: [58.395, 57.12, 57.375],
  } satisfies ImageInputContract,
  outputs: { yaw: 'output', pitch: '617', roll: '618' },
  bins: 66,
} as const;

/** Head pose in degrees. */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

export function angleFromBins(logits: ArrayLike<number>): number {
  const p = softmax(logits);
  let expected = 0;
  for (let i = 0; i < p.length; i++) expected += p[i] * i;
  return expected * 3 - 99;
}

export class PoseModel extends ImageModel {
  static async open(path: string, options?: InferenceOptions): Promise<PoseModel> {
    return new PoseModel(await openModelSession(path, options), HOPENET.input);
  }

  async estimate(crops: readonly RgbImage[]): Promise<HeadPose[]> {
    const { yaw, pitch, roll } = HOPENET.outputs;
    const [y, p, r] = await this.run(crops, [yaw, pitch, roll]);
    return y.map((_, i) => ({ yaw: angleFromBins(y[i]), pitch: angleFromBins(p[i]), roll: angleFromBins(r[i]) }));
  }
}
