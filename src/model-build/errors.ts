/** A model cannot be provisioned: a package, file or download is missing, or not what was pinned. */
export class ProvisioningError extends Error {
  override name = 'ProvisioningError';
}

/** A TensorFlow.js weights manifest or shard that is not what FaceExpressionNet's rebuild expects. */
export class WeightsFormatError extends Error {
  override name = 'WeightsFormatError';
}

/** A FlatBuffers read outside the buffer: a truncated or corrupt file. */
export class FlatbufferError extends Error {
  override name = 'FlatbufferError';
}

/** A TFLite model that does not follow the schema as far as Mien reads it. */
export class TfliteFormatError extends Error {
  override name = 'TfliteFormatError';
}

/** A MediaPipe .task bundle that is damaged, or uses zip features such bundles do not. */
export class TaskBundleError extends Error {
  override name = 'TaskBundleError';
}

/** A TFLite graph the converter cannot turn into ONNX (an operator or layout it does not handle). */
export class TfliteConversionError extends Error {
  override name = 'TfliteConversionError';
}
