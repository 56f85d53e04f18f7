/** A model that cannot be opened (missing, unloadable, CUDA asked for but unusable), or an expression precision it has no file for. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** A run on a model session after it was closed. */
export class SessionClosedError extends Error {
  override name = 'SessionClosedError';
}

/** An inference worker died or was closed while runs were pending, or a run came after. */
export class InferenceWorkerError extends Error {
  override name = 'InferenceWorkerError';
}

/** An ONNX model Mien's schema cannot read faithfully, or a graph a rewrite (batch patch, quantization) cannot handle. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}
