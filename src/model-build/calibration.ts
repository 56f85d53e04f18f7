import type { RgbImage } from '../image/rgb-image.js';
import { convActivations, exposeTensors, quantizeConvsInt8, widenRange, type TensorRange } from './quantize.js';
import { ort } from '../models/session.js';
import { packNchw, type ImageInputContract } from '../models/tensor-input.js';

/** Images per calibration run: every exposed activation of a batch is held at once. */
const CALIBRATION_BATCH = 4;

/**
 * Writes the int8 QDQ version of `model`, its activation ranges observed on `images` (packed
 * under `input`, the model's own contract). The images should look like what the model will see.
 */
export async function quantizeWithCalibration(model: Uint8Array, input: ImageInputContract, images: readonly RgbImage[]): Promise<Uint8Array> {
  if (images.length === 0) throw new TypeError('calibration needs at least one image');
  const tensors = convActivations(model);
  const session = await ort.InferenceSession.create(exposeTensors(model, tensors), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  const ranges = new Map<string, TensorRange>();
  try {
    const channels = input.colour === 'grey' ? 1 : 3;
    for (let start = 0; start < images.length; start += CALIBRATION_BATCH) {
      const batch = images.slice(start, start + CALIBRATION_BATCH);
      const feed = new ort.Tensor('float32', packNchw(batch, input), [batch.length, channels, input.height, input.width]);
      const outputs = await session.run({ [input.name]: feed }, tensors);
      for (const name of tensors) ranges.set(name, widenRange(ranges.get(name), outputs[name].data as Float32Array));
    }
  } finally {
    await session.release();
  }
  return quantizeConvsInt8(model, ranges);
}
