/**
 * The entry of an inference worker thread: it holds ONNX Runtime sessions and runs them on
 * request from `InferenceWorker`, so that their synchronous runs block this thread, not Node's main
 * thread. It imports nothing of Mien but the protocol's types.
 */
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { WireTensor, WorkerReply, WorkerRequest } from './inference-protocol.js';

if (!parentPort) throw new Error('inference-thread.ts runs only as a worker thread (InferenceWorker)');
const port = parentPort;
const sessions = new Map<number, ort.InferenceSession>();
let lastSession = 0;

function sessionOf(id: number): ort.InferenceSession {
  const session = sessions.get(id);
  if (!session) throw new Error(`no session ${id} in this inference worker`);
  return session;
}

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  switch (request.kind) {
    case 'open': {
      const session = await ort.InferenceSession.create(request.path, request.options);
      sessions.set(++lastSession, session);
      return { reply: { id: request.id, ok: true, session: lastSession }, transfer: [] };
    }
    case 'run': {
      const feeds = Object.fromEntries(Object.entries(request.feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
      const session = sessionOf(request.session);
      const started = performance.now();
      const result = await (request.outputs ? session.run(feeds, [...request.outputs]) : session.run(feeds));
      const seconds = (performance.now() - started) / 1000;
      const outputs: Record<string, WireTensor> = {};
      const transfer = new Set<ArrayBuffer>();
      for (const [name, value] of Object.entries(result)) {
        const { type, data, dims } = value;
        outputs[name] = { type, data, dims };
        if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) transfer.add(data.buffer);
      }
      return { reply: { id: request.id, ok: true, outputs, seconds }, transfer: [...transfer] };
    }
    case 'release': {
      await sessions.get(request.session)?.release();
      sessions.delete(request.session);
      return { reply: { id: request.id, ok: true }, transfer: [] };
    }
  }
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
