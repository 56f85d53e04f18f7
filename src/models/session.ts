import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { ModelLoadError, SessionClosedError } from './errors.js';
import { InferenceWorker, type RawSession } from './inference-worker.js';

/** Where inference runs. */
export type ExecutionProvider = 'cuda' | 'cpu';

export interface InferenceOptions {
  /**
   * 'auto' (default): the CUDA execution provider when its libraries and a GPU are there, else CPU
   * with one log line saying why. 'cuda' fails when CUDA cannot load; 'cpu' never tries it.
   */
  readonly provider?: 'auto' | ExecutionProvider;
  /** Threads one operator may use. Default: the machine's cores. */
  readonly intraOpThreads?: number;
  /** Threads running independent operators in parallel. Default: 1. */
  readonly interOpThreads?: number;
  /**
   * ONNX Runtime graph optimisation. Default 'all'; each model's contract may ask for less where
   * 'all' measured slower (bench/models.ts).
   */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * The thread that runs the session. 'worker': an inference worker thread of its own, so that
   * Node's main thread goes on while the model runs (onnxruntime-node blocks the thread calling
   * `run`); an `InferenceWorker`: that worker, shared with other sessions (its owner closes it);
   * 'main': Node's main thread. Default: 'worker' (DEFAULT_INFERENCE_THREAD).
   */
  readonly thread?: 'main' | 'worker' | InferenceWorker;
  /** Where the one-line provider notice goes. Default: stderr. */
  readonly log?: (line: string) => void;
  /** Called after every run with its duration and batch size (metrics). */
  readonly onInference?: (run: InferenceRun) => void;
}

export interface InferenceRun {
  /** The model file's name, e.g. fr_detect.onnx. */
  readonly model: string;
  readonly provider: ExecutionProvider;
  readonly seconds: number;
  readonly batch: number;
}

type SessionFactory<S> = (path: string, options: ort.InferenceSession.SessionOptions) => Promise<S>;

/** An ONNX Runtime session and the provider it actually got. */
export interface ModelSession {
  readonly path: string;
  readonly provider: ExecutionProvider;
  /**
   * Runs the model. A session in a worker takes the feeds' ArrayBuffers (the caller's views are
   * detached once sent) and shares SharedArrayBuffer-backed ones. Rejects once the session is
   * closed or its worker died.
   */
  run(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<Record<string, ort.Tensor>>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** True when onnxruntime-node was installed with its CUDA provider libraries (docs/gpu.md). */
export function cudaProviderInstalled(): boolean {
  const binding = dirname(require.resolve('onnxruntime-node'));
  const bin = join(binding, '..', 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(join(bin, 'libonnxruntime_providers_cuda.so')) && existsSync(join(bin, 'libonnxruntime_providers_shared.so'));
}

export function sessionOptions(options: InferenceOptions, provider: ExecutionProvider): ort.InferenceSession.SessionOptions {
  const intra = options.intraOpThreads ?? availableParallelism();
  const inter = options.interOpThreads ?? 1;
  for (const [name, value] of [['intraOpThreads', intra], ['interOpThreads', inter]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
  return {
    executionProviders: [provider],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    intraOpNumThreads: intra,
    interOpNumThreads: inter,
    // Spinning threads burn the cores that other sessions and the decoder need (halves throughput
    // when several sessions share two cores).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/**
 * Where sessions run when `InferenceOptions.thread` is not given: each in a worker thread of its
 * own (with the int8 expression model, 1.2-1.5x the main thread's faces/s; docs/performance.md).
 */
export const DEFAULT_INFERENCE_THREAD = 'worker';

let providerNoticeShown = false;

/**
 * Opens a model with the provider and thread policy of `options`. `create` is the seam tests use
 * to stand in for a CUDA provider that does or does not load.
 */
export async function openModelSession(
  path: string,
  options: InferenceOptions = {},
  create?: SessionFactory<ort.InferenceSession>,
  cudaInstalled: () => boolean = cudaProviderInstalled,
): Promise<ModelSession> {
  if (!existsSync(path)) {
    throw new ModelLoadError(`model file ${path} is missing; run \`mien models fetch\` (or scripts/setup)`);
  }
  const thread = options.thread ?? DEFAULT_INFERENCE_THREAD;
  if (create || thread === 'main') {
    const make = create ?? ((p, o) => ort.InferenceSession.create(p, o));
    return openWith(path, options, async (p, o) => inThisThread(await make(p, o)), cudaInstalled);
  }
  if (thread !== 'worker') return openWith(path, options, (p, o) => thread.open(p, o), cudaInstalled);
  const own = new InferenceWorker();
  try {
    const session = await openWith(path, options, (p, o) => own.open(p, o), cudaInstalled);
    return { ...session, close: () => session.close().finally(() => own.close()) };
  } catch (error) {
    await own.close();
    throw error;
  }
}

function inThisThread(session: ort.InferenceSession): RawSession {
  return {
    run: async (feeds, outputs) => {
      const started = performance.now();
      const result = (await (outputs ? session.run(feeds, outputs as string[]) : session.run(feeds))) as Record<string, ort.Tensor>;
      return { outputs: result, seconds: (performance.now() - started) / 1000 };
    },
    release: () => session.release(),
  };
}

async function openWith(path: string, options: InferenceOptions, create: SessionFactory<RawSession>, cudaInstalled: () => boolean): Promise<ModelSession> {
  const wanted = options.provider ?? 'auto';
  const log = options.log ?? ((line: string) => console.error(line));
  let fallbackReason: string | undefined;
  if (wanted !== 'cpu') {
    if (cudaInstalled()) {
      try {
        return wrap(path, 'cuda', await create(path, sessionOptions(options, 'cuda')), options.onInference);
      } catch (error) {
        fallbackReason = `CUDA provider failed to load (${(error as Error).message.split('\n')[0]})`;
      }
    } else {
      fallbackReason = 'onnxruntime-node was installed without its CUDA provider libraries';
    }
    if (wanted === 'cuda') throw new ModelLoadError(`cannot use CUDA for ${path}: ${fallbackReason}`);
  }
  let session: RawSession;
  try {
    session = await create(path, sessionOptions(options, 'cpu'));
  } catch (error) {
    throw new ModelLoadError(`cannot load model ${path}: ${(error as Error).message}`);
  }
  if (fallbackReason && !providerNoticeShown) {
    providerNoticeShown = true;
    log(`mien: inference on CPU: ${fallbackReason} (docs/gpu.md)`);
  }
  return wrap(path, 'cpu', session, options.onInference);
}

function wrap(path: string, provider: ExecutionProvider, session: RawSession, onInference?: (run: InferenceRun) => void): ModelSession {
  let closed = false;
  const model = basename(path);
  return {
    path,
    provider,
    run: async (feeds, outputs) => {
      if (closed) throw new SessionClosedError(`the session of ${path} is closed`);
      const batch = Object.values(feeds)[0]?.dims[0] ?? 1;
      const { outputs: result, seconds } = await session.run(feeds, outputs);
      onInference?.({ model, provider, seconds, batch });
      return Object.fromEntries(Object.entries(result).map(([name, value]) => [name, value instanceof ort.Tensor ? value : new ort.Tensor(value.type, value.data, value.dims)]));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}

export { ort };
