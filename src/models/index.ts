import { join } from 'node:path';
import { FaceDetectorModel, ULTRALIGHT_RFB320 } from './detector.js';
import { DENSENET_FER, ExpressionModel } from './expression.js';
import { IdentityModel, MOBILEFACENET } from './identity.js';
import { LandmarkModel, LANDMARKS_68 } from './landmarks.js';
import type { ModelSource } from './model-source.js';
import { HOPENET, PoseModel } from './pose.js';
import { defaultModelsDir } from './provision.js';
import type { ExecutionProvider, InferenceOptions } from './session.js';

/** The default model of each role, all from the pinned npm package. */
export const DEFAULT_MODELS = {
  detector: ULTRALIGHT_RFB320,
  landmarks: LANDMARKS_68,
  identity: MOBILEFACENET,
  expression: DENSENET_FER,
  pose: HOPENET,
} as const;

export type ModelRole = keyof typeof DEFAULT_MODELS;

export const DEFAULT_MODEL_SOURCES: readonly ModelSource[] = Object.values(DEFAULT_MODELS).map((m) => m.source);

export interface ModelPaths {
  /** Directory holding provisioned default models. Default: `defaultModelsDir()`. */
  readonly dir?: string;
  /**
   * A file per role that replaces the default; it must honour that role's contract (same input
   * and outputs), e.g. a retrained FER model exported the same way.
   */
  readonly override?: Partial<Record<ModelRole, string>>;
}

export interface OpenedModels {
  readonly detector: FaceDetectorModel;
  readonly landmarks: LandmarkModel;
  readonly identity: IdentityModel;
  readonly expression: ExpressionModel;
  readonly pose: PoseModel;
  /** The provider each role's session got. */
  readonly providers: Record<ModelRole, ExecutionProvider>;
  close(): Promise<void>;
}

export async function openModels(paths: ModelPaths = {}, inference: InferenceOptions = {}): Promise<OpenedModels> {
  const dir = paths.dir ?? defaultModelsDir();
  const path = (role: ModelRole): string => paths.override?.[role] ?? join(dir, DEFAULT_MODELS[role].source.file);
  const [detector, landmarks, identity, expression, pose] = await Promise.all([
    FaceDetectorModel.open(path('detector'), inference),
    LandmarkModel.open(path('landmarks'), inference),
    IdentityModel.open(path('identity'), inference),
    ExpressionModel.open(path('expression'), inference),
    PoseModel.open(path('pose'), inference),
  ]);
  const all = { detector, landmarks, identity, expression, pose };
  return {
    ...all,
    providers: Object.fromEntries(Object.entries(all).map(([role, m]) => [role, m.provider])) as Record<ModelRole, ExecutionProvider>,
    close: async () => {
      await Promise.all(Object.values(all).map((m) => m.close()));
    },
  };
}
