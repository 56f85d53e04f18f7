import * as ort from 'onnxruntime-node';

export interface Output {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Runs `model` once per input batch on ONNX Runtime's CPU provider; outputs by name. */
export async function runOnnx(model: Uint8Array, batches: readonly { data: Float32Array; dims: readonly number[] }[]): Promise<Record<string, Output>[]> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    const results: Record<string, Output>[] = [];
    for (const { data, dims } of batches) {
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, [...dims]) });
      results.push(Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { dims: t.dims, data: t.data as Float32Array }])));
    }
    return results;
  } finally {
    await session.release();
  }
}
