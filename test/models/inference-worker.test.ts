import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceWorkerError, SessionClosedError } from '../../src/models/errors.js';
import { InferenceWorker } from '../../src/models/inference-worker.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { openModelSession, ort, type InferenceRun } from '../../src/models/session.js';

const DETECTOR = join(defaultModelsDir(), 'fr_detect.onnx');
const LANDMARKS = join(defaultModelsDir(), 'fr_landmark.onnx');

/** A deterministic input in the normalised range: two 320x240 frames for the detector. */
function detectorInput(): ort.Tensor {
  const data = new Float32Array(2 * 3 * 240 * 320);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.01) * 0.9;
  return new ort.Tensor('float32', data, [2, 3, 240, 320]);
}

const landmarkInput = () => new ort.Tensor('float32', new Float32Array(64 * 64).fill(0.3), [1, 1, 64, 64]);

describe('a session in an inference worker', () => {
  it('gives the same outputs as one on the main thread, and reports its runs', async () => {
    const runs: InferenceRun[] = [];
    const options = { provider: 'cpu', intraOpThreads: 1, log: () => {}, onInference: (r: InferenceRun) => runs.push(r) } as const;
    const main = await openModelSession(DETECTOR, { ...options, thread: 'main' });
    const worker = await openModelSession(DETECTOR, { ...options, thread: 'worker' });
    try {
      const expected = await main.run({ input: detectorInput() }, ['scores', 'boxes']);
      const input = detectorInput();
      const got = await worker.run({ input }, ['scores', 'boxes']);
      expect(input.data).toHaveLength(0); // transferred, not copied
      for (const name of ['scores', 'boxes']) {
        expect(got[name]).toBeInstanceOf(ort.Tensor);
        expect(got[name].dims).toEqual(expected[name].dims);
        expect(got[name].data).toEqual(expected[name].data);
      }
      expect(runs.map((r) => [r.model, r.batch, r.provider])).toEqual([
        ['fr_detect.onnx', 2, 'cpu'],
        ['fr_detect.onnx', 2, 'cpu'],
      ]);
    } finally {
      await main.close();
      await worker.close();
    }
  });

  it('copies a view on part of a buffer rather than detaching the rest', async () => {
    const session = await openModelSession(LANDMARKS, { thread: 'worker', log: () => {} });
    const buffer = new Float32Array(2 * 64 * 64).fill(0.3);
    await session.run({ input: new ort.Tensor('float32', buffer.subarray(64 * 64), [1, 1, 64, 64]) });
    expect(buffer).toHaveLength(2 * 64 * 64);
    await session.close();
  });

  it('closes twice without complaint, and a run after close rejects clearly', async () => {
    const session = await openModelSession(LANDMARKS, { thread: 'worker', log: () => {} });
    await session.run({ input: landmarkInput() });
    await session.close();
    await session.close();
    await expect(session.run({ input: landmarkInput() })).rejects.toThrow(SessionClosedError);
    await expect(session.run({ input: landmarkInput() })).rejects.toThrow(/fr_landmark\.onnx is closed/);
  });

  it('serves several sessions from one shared worker until its owner closes it', async () => {
    const shared = new InferenceWorker();
    const a = await openModelSession(LANDMARKS, { thread: shared, log: () => {} });
    const b = await openModelSession(DETECTOR, { thread: shared, log: () => {} });
    const [la, lb] = await Promise.all([a.run({ input: landmarkInput() }), b.run({ input: detectorInput() })]);
    expect(la.output.dims).toEqual([1, 136]);
    expect(lb.scores.dims[0]).toBe(2);
    await a.close();
    expect((await b.run({ input: detectorInput() })).boxes.dims[0]).toBe(2);
    await shared.close();
    await shared.close();
    await expect(b.run({ input: detectorInput() })).rejects.toThrow(InferenceWorkerError);
    await b.close();
  });

  it('rejects pending and later runs with the reason when its worker crashes', async () => {
    const crashing = new InferenceWorker(new URL('./fixtures/crashing-thread.ts', import.meta.url));
    const session = await openModelSession(LANDMARKS, { thread: crashing, log: () => {} }, undefined, () => false);
    const pending = [session.run({ input: landmarkInput() }), session.run({ input: landmarkInput() })];
    for (const run of pending) await expect(run).rejects.toThrow(/inference worker crashed: simulated crash during a run/);
    await expect(session.run({ input: landmarkInput() })).rejects.toThrow(InferenceWorkerError);
    await session.close();
    await crashing.close();
  });
});
