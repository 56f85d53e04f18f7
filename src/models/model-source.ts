/** A pinned npm package that ships model files, checked by the registry's integrity string. */
export interface NpmPackage {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
}

/** How provisioning rewrites a model exported with a fixed batch of 1 (src/model-build/onnx-patch.ts). */
export interface GraphPatch {
  /** Name of the symbolic batch dimension given to every graph input and output. */
  readonly batchDimension: string;
  /** Intermediate tensors to expose as extra outputs (a model's pooled features, say). */
  readonly extraOutputs?: readonly { readonly name: string; readonly features: number }[];
}

/**
 * How a model file is made from its package files. Data, not code, so the manifest can record it
 * and a model made under an older recipe is made again.
 */
export type ModelRecipe =
  /** One ONNX file, patched for batched inference. */
  | { readonly kind: 'patch-for-batching'; readonly patch: GraphPatch }
  /** A TensorFlow.js weights manifest and its shard, rebuilt as ONNX (src/model-build/face-expression-net-onnx.ts). */
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

/** A model file published at an official address, pinned by its sha256. */
export interface OfficialFile {
  /** Its file name, as a local folder holding it names it. */
  readonly name: string;
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
}
