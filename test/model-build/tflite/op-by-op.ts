import * as ort from 'onnxruntime-node';
import type { Subgraph } from '../../../src/model-build/tflite/tflite-format.js';
import { interpret } from './reference-interpreter.js';

export interface OpError {
  readonly operator: number;
  readonly op: string;
  readonly tensor: string;
  readonly maxAbs: number;
  /** maxAbs over the reference tensor's range (max - min), or over 1 where that range is below 1e-6. */
  readonly relative: number;
}

/**
 * Runs the reference interpreter on `nhwc` and the exposeAll ONNX model on `onnxInput`, and
 * compares every operator's output (ONNX `tensor:<index>`, TFLite element order).
 */
export async function compareOpByOp(graph: Subgraph, exposed: Uint8Array, nhwc: Float32Array, onnxInput: Float32Array, onnxDims: readonly number[]): Promise<OpError[]> {
  const reference = interpret(graph, [nhwc]);
  const session = await ort.InferenceSession.create(exposed);
  try {
    const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', onnxInput, [...onnxDims]) });
    return graph.operators
      .filter((op) => op.op !== 'DEQUANTIZE')
      .map((op) => {
        const t = op.outputs[0];
        const expected = reference.get(t)?.data;
        const actual = results[`tensor:${t}`]?.data;
        if (expected === undefined || !(actual instanceof Float32Array)) throw new Error(`operator ${op.index}: tensor ${t} missing`);
        if (actual.length !== expected.length) throw new Error(`operator ${op.index}: ${actual.length} values, reference ${expected.length}`);
        let maxAbs = 0, min = Infinity, max = -Infinity;
        for (let i = 0; i < expected.length; i++) {
          const d = Math.abs(actual[i] - expected[i]);
          maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
          min = Math.min(min, expected[i]);
          max = Math.max(max, expected[i]);
        }
        const range = max - min;
        return { operator: op.index, op: op.op, tensor: graph.tensors[t].name, maxAbs, relative: maxAbs / (range < 1e-6 ? 1 : range) };
      });
  } finally {
    await session.release();
  }
}

export const worst = (errors: readonly OpError[]): OpError => errors.reduce((a, b) => (b.relative > a.relative ? b : a));
