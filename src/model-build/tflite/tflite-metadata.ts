import { FlatbufferError, TfliteFormatError } from '../errors.js';
import { FlatTable } from './flatbuffer.js';
import type { Model } from './tflite-format.js';

/**
 * What an image model's TFLite Support metadata (tensorflow/lite/schema/metadata_schema.fbs, file
 * identifier "M001", stored in the model's "TFLITE_METADATA" buffer) says about its first input:
 * the tensor holds (pixel - mean) / std for pixels on the 0..255 scale, and the range it expects.
 * MediaPipe's image preprocessing reads exactly these fields to scale pixels.
 */
export interface InputNormalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Stats.min / Stats.max of the input tensor, when the metadata gives them. */
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/** ProcessUnitOptions union value of NormalizationOptions. */
const NORMALIZATION_OPTIONS = 1;

/** The first input's normalization, or undefined when the model carries no such metadata. */
export function readInputNormalization(model: Model): InputNormalization | undefined {
  const bytes = model.metadata.get('TFLITE_METADATA');
  if (bytes === undefined) return undefined;
  try {
    // ModelMetadata.subgraph_metadata (3) -> SubGraphMetadata.input_tensor_metadata (2).
    const input = FlatTable.root(bytes, 'M001').tables(3)[0]?.tables(2)[0] as FlatTable | undefined;
    if (input === undefined) return undefined;
    // TensorMetadata.process_units (4): ProcessUnit { options_type (0), options (1) }.
    const unit = input.tables(4).find((u) => u.uint8(0) === NORMALIZATION_OPTIONS)?.table(1);
    if (unit === undefined) return undefined;
    // TensorMetadata.stats (5): Stats { max (0), min (1) }.
    const stats = input.table(5);
    return { mean: unit.float32s(0), std: unit.float32s(1), min: stats?.float32s(1) ?? [], max: stats?.float32s(0) ?? [] };
  } catch (error) {
    if (error instanceof FlatbufferError) throw new TfliteFormatError(`unreadable TFLITE_METADATA: ${error.message}`);
    throw error;
  }
}
