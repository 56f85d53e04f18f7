import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { EXPRESSION_MODELS, type ExpressionModelKind, type ExpressionPrecision } from '../models/index.js';
import { defaultModelsDir } from '../models/models-dir.js';
import { SettingsError } from './errors.js';

/**
 * What Mien takes from its environment, read once at the edge (the `mien` command, a bench) and
 * passed down: no module below reads process.env.
 */
export interface RuntimeSettings {
  /** Where provisioned models live: $MIEN_MODELS_DIR, else `models/` in the checkout. */
  readonly modelsDir: string;
  /** $MIEN_EXPRESSION_MODEL, else FaceExpressionNet. */
  readonly expressionModel: ExpressionModelKind;
  /** $MIEN_EXPRESSION_PRECISION, else 'auto'. */
  readonly expressionPrecision: ExpressionPrecision;
  /** A trained head's ONNX file ($MIEN_EXPRESSION_HEAD): expressions embedded through it. */
  readonly expressionHead?: string;
  /**
   * Whether MediaPipe's Face Landmarker runs where it is provisioned ($MIEN_FACE_LANDMARKER on|off,
   * default on): the relative expression embedding and FaceQA's head pose from the mesh, at a
   * cost in throughput (docs/performance.md); off, the classifier alone and PnP, as before it.
   */
  readonly faceLandmarker: boolean;
  /** Where the SQLite database and thumbnails live: $MIEN_DATA_DIR, else ./mien-data. */
  readonly dataDir: string;
  readonly inference: {
    /** $MIEN_INTRA_OP_THREADS, else the machine's cores. */
    readonly intraOpThreads: number;
    /** $MIEN_INTER_OP_THREADS, else 1. */
    readonly interOpThreads: number;
    /** $MIEN_INFERENCE_THREAD: each session in a worker thread of its own, or on Node's main thread. Default 'worker'. */
    readonly thread: 'main' | 'worker';
  };
  /** $MIEN_DEBUG: print stack traces of unexpected errors. */
  readonly debug: boolean;
}

/** The settings `env` gives; every problem is reported at once, by variable name. */
export function runtimeSettings(env: NodeJS.ProcessEnv): RuntimeSettings {
  const problems: string[] = [];
  const value = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  };
  const threads = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 1) return n;
    problems.push(`${name} must be a positive integer, got "${raw}"`);
    return fallback;
  };
  const expressionHead = value('MIEN_EXPRESSION_HEAD');
  const settings: RuntimeSettings = {
    modelsDir: resolve(value('MIEN_MODELS_DIR') ?? DEFAULT_MODELS_DIR),
    expressionModel: oneOf('MIEN_EXPRESSION_MODEL', Object.keys(EXPRESSION_MODELS) as ExpressionModelKind[], DEFAULT_SETTINGS.expressionModel),
    expressionPrecision: oneOf('MIEN_EXPRESSION_PRECISION', ['auto', 'int8', 'float'], 'auto'),
    ...(expressionHead !== undefined && { expressionHead: resolve(expressionHead) }),
    faceLandmarker: oneOf('MIEN_FACE_LANDMARKER', ['on', 'off'], 'on') === 'on',
    dataDir: resolve(value('MIEN_DATA_DIR') ?? 'mien-data'),
    inference: {
      intraOpThreads: threads('MIEN_INTRA_OP_THREADS', availableParallelism()),
      interOpThreads: threads('MIEN_INTER_OP_THREADS', 1),
      thread: oneOf('MIEN_INFERENCE_THREAD', ['main', 'worker'], 'worker'),
    },
    debug: value('MIEN_DEBUG') !== undefined,
  };
  if (problems.length > 0) throw new SettingsError(`invalid environment:\n  ${problems.join('\n  ')}`);
  return settings;
}

const DEFAULT_MODELS_DIR = resolve(defaultModelsDir());

/** The settings of an empty environment: what tests and benches run with unless they say otherwise. */
export const DEFAULT_SETTINGS: RuntimeSettings = {
  modelsDir: DEFAULT_MODELS_DIR,
  expressionModel: 'face-api-expression-net',
  expressionPrecision: 'auto',
  faceLandmarker: true,
  dataDir: resolve('mien-data'),
  inference: { intraOpThreads: availableParallelism(), interOpThreads: 1, thread: 'worker' },
  debug: false,
};
