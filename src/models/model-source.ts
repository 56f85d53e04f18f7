import type { GraphPatch } from './onnx-patch.js';

/** A pinned npm package that ships model files, checked by the registry's integrity string. */
export interface NpmPackage {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
}

/**
 * How a model file is made from its package files. Data, not code, so the manifest can record it
 * and a model made under an older recipe is made again.
 */
export type ModelRecipe =
  /** One ONNX file, patched for batched inference. */
  | { readonly kind: 'patch-for-batching'; readonly patch: GraphPatch }
  /** A TensorFlow.js weights manifest and its shard, rebuilt as ONNX (face-expression-net.ts). */
  | { readonly kind: 'face-expression-net-onnx'; readonly version: number };

/** Where a default model comes from: files inside a pinned npm package, each checked by sha256. */
export interface ModelSource {
  /** File name under the models directory once provisioned. */
  readonly file: string;
  readonly package: NpmPackage;
  /** Paths inside the package tarball and the sha256 of each original. */
  readonly from: readonly { readonly path: string; readonly sha256: string }[];
  readonly recipe: ModelRecipe;
}

/** The npm package that ships most of Mien's default face models as ONNX (MIT licence). */
export const FACEPLUGIN_PACKAGE: NpmPackage = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity: 'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
};

/** The model `file` of the faceplugin package (`model/file`), patched for batching. */
export function facepluginModel(file: string, sha256: string, patch: GraphPatch): ModelSource {
  return { file, package: FACEPLUGIN_PACKAGE, from: [{ path: `model/${file}`, sha256 }], recipe: { kind: 'patch-for-batching', patch } };
}

export const packageSpec = (p: NpmPackage): string => `${p.name}@${p.version}`;
