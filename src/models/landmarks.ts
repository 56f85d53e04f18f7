import type { RgbImage } from '../image/rgb-image.js';
import { ImageModel } from './image-model.js';
import { facepluginModel } from './model-source.js';
import { openModelSession, type InferenceOptions } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

/** 68-point landmark regressor (iBUG 300-W order) on a 64x64 grey crop of the detection box. */
export const LANDMARKS_68 = {
  kind: 'pfld-68',
  source: facepluginModel('fr_landmark.onnx', 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258', { batchDimension: 'batch' }),
  input: { name: 'input', width: 64, height: 64, colour: 'grey', mean: [0], std: [256] } satisfies ImageInputContract,
  /** 136 values: x0, y0, x1, y1, ... as fractions of the crop's width and height. */
  output: 'output',
  points: 68,
} as const;

export class LandmarkModel extends ImageModel {
  static async open(path: string, options?: InferenceOptions): Promise<LandmarkModel> {
    return new LandmarkModel(await openModelSession(path, options), LANDMARKS_68.input);
  }

  /** Per crop, 68 (x, y) pairs as fractions of the crop. */
  async locate(crops: readonly RgbImage[]): Promise<Float32Array[]> {
    const [rows] = await this.run(crops, [LANDMARKS_68.output]);
    return rows;
  }
}
