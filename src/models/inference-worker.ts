import { Worker } from 'node:worker_threads';
import type ort from 'onnxruntime-node';
import { InferenceWorkerError } from './errors.js';
import type { WireTensor, WorkerReply, WorkerRequest } from './inference-protocol.js';

/** A session as `openModelSession` drives it: in this thread, or in an inference worker. */
export interface RawSession {
  /** The outputs, and the seconds the model ran (in a worker: there, without the wait for the worker). */
  run(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<{ outputs: Record<string, ort.Tensor | WireTensor>; seconds: number }>;
  release(): Promise<void>;
}

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

const DEFAULT_ENTRY = new URL(`./inference-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * A worker thread that owns ONNX Runtime sessions. onnxruntime-node runs every `session.run`
 * synchronously on the thread that calls it; here that is the worker's, so Node's main thread goes
 * on with crops, clustering and sockets while a model runs. Inputs backed by an ArrayBuffer are
 * transferred (the caller's view is detached once sent), those backed by a SharedArrayBuffer are
 * shared; outputs are transferred back.
 *
 * If the worker dies, every pending call rejects with an `InferenceWorkerError` saying how, and so
 * does every later one. `close()` terminates it and is safe to call twice.
 */
export class InferenceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (error: Error) => void }>();
  private lastId = 0;
  private dead: InferenceWorkerError | undefined;

  /** `entry` is the worker's module: tests pass one that crashes. */
  constructor(entry: URL = DEFAULT_ENTRY) {
    this.worker = entry.pathname.endsWith('.ts') ? new Worker(throughTsx(entry), { eval: true }) : new Worker(entry);
    // Sessions idle between runs must not keep a finished process alive.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply);
      else waiter?.reject(new Error(reply.message));
    });
    this.worker.on('error', (error) => this.die(`inference worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => this.die(`inference worker exited with code ${code}`));
  }

  /** Opens a model in the worker with ONNX Runtime session options as `openModelSession` builds them. */
  async open(path: string, options: ort.InferenceSession.SessionOptions): Promise<RawSession> {
    const { session } = await this.request({ kind: 'open', path, options });
    if (session === undefined) throw new Error(`inference worker opened ${path} without a session id`);
    return {
      run: async (feeds, outputs) => {
        const transfer: ArrayBuffer[] = [];
        const wire = Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, toWire(tensor, transfer)]));
        const reply = await this.request({ kind: 'run', session, feeds: wire, outputs }, transfer);
        return { outputs: reply.outputs ?? {}, seconds: reply.seconds ?? 0 };
      },
      release: async () => {
        if (!this.dead) await this.request({ kind: 'release', session });
      },
    };
  }

  /** Terminates the worker; pending calls reject. Safe to call twice. */
  async close(): Promise<void> {
    if (this.dead) return;
    this.die('inference worker closed');
    await this.worker.terminate();
  }

  private request(request: Request, transfer: ArrayBuffer[] = []): Promise<WorkerReply & { ok: true }> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
      // A run keeps the process alive until it answers.
      if (this.pending.size === 1) this.worker.ref();
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    }) as Promise<WorkerReply & { ok: true }>;
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = new InferenceWorkerError(reason);
    for (const { reject } of this.pending.values()) reject(this.dead);
    this.pending.clear();
  }
}

/** Hands the tensor's data to the worker: transferred when it owns its whole buffer, shared or copied otherwise. */
function toWire(tensor: ort.Tensor, transfer: ArrayBuffer[]): WireTensor {
  const { type, dims } = tensor;
  let data = tensor.data;
  if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) {
    // Transferring a view would detach the whole buffer under it, other views included.
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) data = data.slice();
    if (!transfer.includes(data.buffer as ArrayBuffer)) transfer.push(data.buffer as ArrayBuffer);
  }
  return { type, data, dims };
}

/**
 * Under tsx (tests, benchmarks) the worker's entry is TypeScript. Node 20 applies no module hooks
 * to a worker's entry (neither inherited nor from --import), so a script registers tsx in the
 * worker first, then imports the entry.
 */
function throughTsx(entry: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}
