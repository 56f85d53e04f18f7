import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FaceDetectorModel, ULTRALIGHT_RFB320 } from './detector.js';
import { ModelLoadError } from './errors.js';
import { DENSENET_FER, ExpressionModel, type ExpressionModelContract } from './expression.js';
import { FACE_EXPRESSION_NET } from './face-expression-net.js';
import { FaceLandmarkerModel } from './face-landmarker.js';
import { IdentityModel, MOBILEFACENET } from './identity.js';
import { LandmarkModel, LANDMARKS_68 } from './landmarks.js';
import type { ModelSource } from './model-source.js';
import { HOPENET, PoseModel } from './pose.js';
import { defaultModelsDir } from './models-dir.js';
import { cudaProviderInstalled, type ExecutionProvider, type InferenceOptions } from './session.js';

/** The default model of each role, each from a pinned npm package. */
export const DEFAULT_MODELS = {
  detector: ULTRALIGHT_RFB320,
  landmarks: LANDMARKS_68,
  identity: MOBILEFACENET,
  expression: FACE_EXPRESSION_NET,
  pose: HOPENET,
} as const;

export type ModelRole = keyof typeof DEFAULT_MODELS;

/** The expression models Mien ships, by kind; the first is the default. */
export const EXPRESSION_MODELS = {
  [FACE_EXPRESSION_NET.kind]: FACE_EXPRESSION_NET,
  [DENSENET_FER.kind]: DENSENET_FER,
} as const satisfies Record<string, ExpressionModelContract>;

export type ExpressionModelKind = keyof typeof EXPRESSION_MODELS;

/** Every model `mien models fetch` provisions: each role's default, and the other expression models. */
export const DEFAULT_MODEL_SOURCES: readonly ModelSource[] = [
  ...Object.values(DEFAULT_MODELS).map((m) => m.source),
  ...Object.values(EXPRESSION_MODELS).filter((m) => m !== DEFAULT_MODELS.expression).map((m) => m.source),
];

export interface ModelPaths {
  /** Directory holding provisioned default models. Default: `defaultModelsDir()`. */
  readonly dir?: string;
  /**
   * A file per role that replaces the default; it must honour that role's contract (same input
   * and outputs; for the expression role, the contract of `expressionModel`), e.g. a retrained
   * FER model exported the same way.
   */
  readonly override?: Partial<Record<ModelRole, string>>;
  /** Which expression model runs. Default: FaceExpressionNet. */
  readonly expressionModel?: ExpressionModelKind;
  /**
   * For DenseNet FER, which version runs: 'int8' (DENSENET_FER.int8, made by `mien models fetch`),
   * 'float', or 'auto' (default): int8 where inference runs on the CPU and the file is there.
   * Other expression models run in float. Default: 'auto'.
   */
  readonly expressionPrecision?: ExpressionPrecision;
  /** Whether MediaPipe's Face Landmarker is opened where it is provisioned. Default true. */
  readonly faceLandmarker?: boolean;
}

export type ExpressionPrecision = 'auto' | 'int8' | 'float';

/** The expression model file `openModels` opens, and its precision. */
export function expressionModelFile(
  dir: string,
  kind: ExpressionModelKind,
  precision: ExpressionPrecision,
  provider: InferenceOptions['provider'] = 'auto',
  cudaInstalled: () => boolean = cudaProviderInstalled,
): { readonly path: string; readonly precision: 'int8' | 'float' } {
  const float = { path: join(dir, EXPRESSION_MODELS[kind].source.file), precision: 'float' } as const;
  if (kind !== DENSENET_FER.kind) {
    if (precision === 'int8') throw new ModelLoadError(`expression precision int8 ($MIEN_EXPRESSION_PRECISION): only ${DENSENET_FER.kind} has an int8 version, not ${kind}`);
    return float;
  }
  const int8 = join(dir, DENSENET_FER.int8.file);
  if (precision === 'float') return float;
  if (precision === 'int8') {
    if (!existsSync(int8)) throw new ModelLoadError(`model file ${int8} is missing; run \`mien models fetch\` (or scripts/setup)`);
    return { path: int8, precision: 'int8' };
  }
  // int8 QDQ graphs run on the CPU's int8 kernels; the CUDA provider would run them slower than float.
  const onCpu = provider === 'cpu' || (provider === 'auto' && !cudaInstalled());
  return onCpu && existsSync(int8) ? { path: int8, precision: 'int8' } : float;
}

export interface OpenedModels {
  readonly detector: FaceDetectorModel;
  readonly landmarks: LandmarkModel;
  readonly identity: IdentityModel;
  readonly expression: ExpressionModel;
  readonly pose: PoseModel;
  /** MediaPipe's Face Landmarker; undefined where `mien models fetch` could not provision it. */
  readonly faceMesh: FaceLandmarkerModel | undefined;
  /** The provider each role's session got. */
  readonly providers: Record<ModelRole, ExecutionProvider>;
  /** Whether the expression model runs with int8 convolutions or in float (an override counts as float). */
  readonly expressionPrecision: 'int8' | 'float';
  /** Which expression model runs. */
  readonly expressionModel: ExpressionModelKind;
  close(): Promise<void>;
}

export async function openModels(paths: ModelPaths = {}, inference: InferenceOptions = {}): Promise<OpenedModels> {
  const dir = paths.dir ?? defaultModelsDir();
  const path = (role: ModelRole): string => paths.override?.[role] ?? join(dir, DEFAULT_MODELS[role].source.file);
  const expressionModel = paths.expressionModel ?? DEFAULT_MODELS.expression.kind;
  const expressionFile = paths.override?.expression
    ? { path: paths.override.expression, precision: 'float' as const }
    : expressionModelFile(dir, expressionModel, paths.expressionPrecision ?? 'auto', inference.provider);
  const [detector, landmarks, identity, expression, pose, faceMesh] = await Promise.all([
    FaceDetectorModel.open(path('detector'), inference),
    LandmarkModel.open(path('landmarks'), inference),
    IdentityModel.open(path('identity'), inference),
    ExpressionModel.open(expressionFile.path, EXPRESSION_MODELS[expressionModel], inference),
    PoseModel.open(path('pose'), inference),
    paths.faceLandmarker === false ? undefined : FaceLandmarkerModel.open(dir, inference),
  ]);
  if (!faceMesh && paths.faceLandmarker !== false) (inference.log ?? console.error)("mien: MediaPipe's Face Landmarker is not provisioned (`mien models fetch`): expressions come from the classifier alone");
  const all = { detector, landmarks, identity, expression, pose };
  return {
    ...all,
    faceMesh,
    providers: Object.fromEntries(Object.entries(all).map(([role, m]) => [role, m.provider])) as Record<ModelRole, ExecutionProvider>,
    expressionPrecision: expressionFile.precision,
    expressionModel,
    close: async () => {
      await Promise.all([...Object.values(all), ...(faceMesh ? [faceMesh] : [])].map((m) => m.close()));
    },
  };
}
