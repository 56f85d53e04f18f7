import type { GraphPatch } from './onnx-patch.js';

/** Where a default model comes from: a file inside a pinned npm package, checked by sha256. */
export interface ModelSource {
  /** File name under the models directory once provisioned. */
  readonly file: string;
  /** Path of the original inside the package tarball. */
  readonly packagePath: string;
  /** sha256 of the original file, before patching. */
  readonly sha256: string;
  readonly patch: GraphPatch;
}

/** The npm package that ships Mien's default face models (MIT licence). */
export const MODEL_PACKAGE = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
} as const;
