import { basename } from 'node:path';
import type { RgbImage } from '../image/rgb-image.js';
import { ort, type ModelSession } from './session.js';
import { packNchw, type ImageInputContract } from './tensor-input.js';

/** Default cap on images per session run: bounds the input tensor (8 x 224 x 224 x 3 floats = 4.8 MB). */
export const DEFAULT_MAX_BATCH = 8;

/**
 * Runs `items` through `session` in batches of at most `maxBatch`, each batch packed by `pack` into
 * one float tensor of shape [batch, ...itemShape], and returns, per requested output, one row (a
 * Float32Array view) per item, in input order.
 */
export async function runBatches<T>(
  session: ModelSession,
  inputName: string,
  items: readonly T[],
  itemShape: readonly number[],
  pack: (batch: readonly T[]) => Float32Array,
  outputs: readonly string[],
  maxBatch = DEFAULT_MAX_BATCH,
): Promise<Float32Array[][]> {
  const rows: Float32Array[][] = outputs.map(() => []);
  for (let start = 0; start < items.length; start += maxBatch) {
    const batch = items.slice(start, start + maxBatch);
    const result = await session.run({ [inputName]: new ort.Tensor('float32', pack(batch), [batch.length, ...itemShape]) }, outputs);
    outputs.forEach((name, k) => {
      const out = result[name] as ort.Tensor | undefined;
      if (!out) throw new Error(`${session.path} produced no output "${name}"`);
      const data = out.data as Float32Array;
      const width = data.length / batch.length;
      for (let i = 0; i < batch.length; i++) rows[k].push(data.subarray(i * width, (i + 1) * width));
    });
  }
  return rows;
}

/** `runBatches` for images under an input contract (packed NCHW). */
export function runImageBatches(
  session: ModelSession,
  input: ImageInputContract,
  images: readonly RgbImage[],
  outputs: readonly string[],
  maxBatch = DEFAULT_MAX_BATCH,
): Promise<Float32Array[][]> {
  return runBatches(session, input.name, images, imageShape(input), (batch) => packNchw(batch, input), outputs, maxBatch);
}

const imageShape = (input: ImageInputContract): number[] => [input.colour === 'grey' ? 1 : 3, input.height, input.width];

function inputTensor(input: ImageInputContract, packed: Float32Array, batch: number): ort.Tensor {
  return new ort.Tensor('float32', packed, [batch, ...imageShape(input)]);
}

/**
 * A model that maps images to tensors under a declared input contract. Subclasses add one method
 * that names the outputs and decodes them; the session, batching and lifecycle live here.
 */
export abstract class ImageModel {
  protected constructor(
    protected readonly session: ModelSession,
    readonly input: ImageInputContract,
    readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {}

  /** The model file's name: what its runs' `InferenceRun.model` says. */
  get file(): string {
    return basename(this.session.path);
  }

  /** The execution provider this model's session actually got. */
  get provider(): ModelSession['provider'] {
    return this.session.provider;
  }

  protected run(images: readonly RgbImage[], outputs: readonly string[]): Promise<Float32Array[][]> {
    return runImageBatches(this.session, this.input, images, outputs, this.maxBatch);
  }

  /**
   * Runs one batch already packed as this model's NCHW input and discards the outputs: inference
   * alone, for benchmarks that set the pipeline against its models (bench/pipeline.ts).
   */
  async inferPacked(packed: Float32Array, batch: number): Promise<void> {
    await this.session.run({ [this.input.name]: inputTensor(this.input, packed, batch) });
  }

  /** Releases the session; safe to call twice. */
  close(): Promise<void> {
    return this.session.close();
  }
}
