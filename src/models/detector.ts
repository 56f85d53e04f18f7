import type { RgbImage } from '../image/rgb-image.js';
import { resizeBilinear } from '../image/warp.js';
import { ImageModel } from './image-model.js';
import { facepluginModel } from './model-source.js';
import { openModelSession, type InferenceOptions } from './session.js';
import type { ImageInputContract } from './tensor-input.js';

/** Raw detector output for one frame: every anchor's box and face score. */
export interface DetectionCandidates {
  /** n x 4, corner form (x1, y1, x2, y2) as fractions of the frame's width and height. */
  readonly boxes: Float32Array;
  /** n face probabilities. */
  readonly scores: Float32Array;
}

/**
 * Ultra-Light-Fast-Generic-Face-Detector RFB-320. Its `boxes` output is already decoded from the
 * anchors to corner form in 0..1, and `scores` is a softmax over (background, face).
 */
export const ULTRALIGHT_RFB320 = {
  kind: 'ultralight-rfb320',
  source: facepluginModel('fr_detect.onnx', '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854', { batchDimension: 'batch' }),
  input: { name: 'input', width: 320, height: 240, colour: 'rgb', mean: [127, 127, 127], std: [128, 128, 128] } satisfies ImageInputContract,
  outputs: { scores: 'scores', boxes: 'boxes' },
} as const;

export class FaceDetectorModel extends ImageModel {
  static async open(path: string, options?: InferenceOptions): Promise<FaceDetectorModel> {
    return new FaceDetectorModel(await openModelSession(path, options), ULTRALIGHT_RFB320.input);
  }

  /** Scores every anchor of each frame; frames of any size are resized to the model's input. */
  async detect(frames: readonly RgbImage[]): Promise<DetectionCandidates[]> {
    const { width, height } = this.input;
    const inputs = frames.map((f) => (f.width === width && f.height === height ? f : resizeBilinear(f, width, height)));
    const { scores, boxes } = ULTRALIGHT_RFB320.outputs;
    const [scoreRows, boxRows] = await this.run(inputs, [scores, boxes]);
    return boxRows.map((b, i) => {
      const pairs = scoreRows[i];
      const face = new Float32Array(pairs.length / 2);
      for (let k = 0; k < face.length; k++) face[k] = pairs[2 * k + 1];
      return { boxes: b, scores: face };
    });
  }
}
