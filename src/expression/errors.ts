/** An expression head file that cannot be read, or is not a head's graph (Gemm, Relu, Gemm, LpNormalization). */
export class HeadFormatError extends Error {
  override name = 'HeadFormatError';
}

/** A reference picture, or the chosen box of it, in which no face is found. */
export class NoFaceError extends Error {
  override name = 'NoFaceError';
}
