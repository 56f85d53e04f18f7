/**
 * The messages between an `InferenceWorker` (inference-worker.ts) and the worker thread it runs
 * (inference-thread.ts). Types only: both sides import them, neither imports the other.
 */
import type ort from 'onnxruntime-node';

/** A tensor as it crosses threads: its data is transferred, shared or cloned, never wrapped. */
export interface WireTensor {
  readonly type: ort.Tensor.Type;
  readonly data: ort.Tensor.DataType;
  readonly dims: readonly number[];
}

export type WorkerRequest =
  | { readonly kind: 'open'; readonly id: number; readonly path: string; readonly options: ort.InferenceSession.SessionOptions }
  | { readonly kind: 'run'; readonly id: number; readonly session: number; readonly feeds: Record<string, WireTensor>; readonly outputs?: readonly string[] }
  | { readonly kind: 'release'; readonly id: number; readonly session: number };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly session?: number; readonly outputs?: Record<string, WireTensor>; readonly seconds?: number }
  | { readonly id: number; readonly ok: false; readonly message: string };
