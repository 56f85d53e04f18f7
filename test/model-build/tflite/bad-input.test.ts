import { beforeAll, describe, expect, it } from 'vitest';
import { TaskBundleError, TfliteConversionError, TfliteFormatError } from '../../../src/model-build/errors.js';
import { faceLandmarkerOnnx, tfliteFileToOnnx } from '../../../src/model-build/tflite/face-landmarker-onnx.js';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTflite, type Model, type Operator } from '../../../src/model-build/tflite/tflite-format.js';
import { tfliteToOnnx } from '../../../src/model-build/tflite/tflite-to-onnx.js';
import { random, readTask } from './face-landmarker-fixture.js';
import { writeZip } from './zip-writer.js';

const KNOWN = [TaskBundleError, TfliteFormatError, TfliteConversionError];

/** The error `f` throws, checked to be one of the converter's own and to be one line. */
function oneLineError(f: () => unknown): Error {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an error').toBeInstanceOf(Error);
  const error = thrown as Error;
  expect(KNOWN.some((k) => error instanceof k), `${error.name}: ${error.message}`).toBe(true);
  expect(error.message).not.toContain('\n');
  return error;
}

/** A copy of `model` with operator `index` of the main subgraph replaced. */
function withOperator(model: Model, index: number, replace: (op: Operator) => Operator): Model {
  const [main, ...rest] = model.subgraphs;
  return { ...model, subgraphs: [{ ...main, operators: main.operators.map((op) => (op.index === index ? replace(op) : op)) }, ...rest] };
}

describe('bad input to the converter', () => {
  let task: Uint8Array;
  let entries: Map<string, Uint8Array>;
  let detector: Model;
  beforeAll(() => {
    task = readTask();
    entries = readTaskBundle(task);
    detector = readTflite(entries.get('face_detector.tflite')!);
  });

  it('a truncated or corrupted .task', () => {
    expect(oneLineError(() => faceLandmarkerOnnx(task.subarray(0, 3_000_000))).message).toMatch(/no end-of-central-directory record/);
    const corrupt = task.slice();
    corrupt[2_000_000] ^= 0xff;
    expect(oneLineError(() => faceLandmarkerOnnx(corrupt)).message).toBe('entry "face_landmarks_detector.tflite" fails its CRC-32 check: corrupt');
  });

  it('a .task without one of the graphs', () => {
    const partial = writeZip([...entries].filter(([name]) => name !== 'face_blendshapes.tflite').map(([name, data]) => ({ name, data })));
    expect(oneLineError(() => faceLandmarkerOnnx(partial)).message).toMatch(/^the bundle has no "face_blendshapes.tflite" \(it holds face_detector.tflite, /);
  });

  it('a .task whose graph is truncated (stored with a CRC that matches the damage)', () => {
    const damaged = writeZip([...entries].map(([name, data]) => ({ name, data: name === 'face_detector.tflite' ? data.subarray(0, 50_000) : data })));
    expect(oneLineError(() => faceLandmarkerOnnx(damaged)).message).toMatch(/^face_detector.tflite: not a readable TFLite model: .* lies outside the 50000-byte buffer: truncated or corrupt$/);
  });

  it('tflite bytes damaged at random: converted or refused in one line, never a crash', () => {
    // Damage the flatbuffer's structure (tables, vtables, offsets, shapes), not the weights' bytes.
    const original = entries.get('face_detector.tflite')!;
    const weights = new Uint8Array(original.length);
    for (const t of detector.subgraphs[0].tensors) if (t.data) weights.fill(1, t.data.byteOffset - original.byteOffset, t.data.byteOffset - original.byteOffset + t.data.length);
    const structure = [...weights.keys()].filter((i) => weights[i] === 0);
    const next = random(31);
    let refused = 0;
    for (let trial = 0; trial < 150; trial++) {
      const bytes = original.slice();
      for (let k = 0; k < 3; k++) bytes[structure[Math.floor(next() * structure.length)]] = Math.floor(next() * 256);
      const damaged = trial % 5 === 0 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
      try {
        expect(tfliteFileToOnnx(damaged, 'face_detector.tflite')).toBeInstanceOf(Uint8Array);
      } catch {
        oneLineError(() => tfliteFileToOnnx(damaged, 'face_detector.tflite'));
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('an operator it cannot translate, by name, index and output tensor', () => {
    const relu = detector.subgraphs[0].operators.find((op) => op.op === 'RELU')!;
    const model = withOperator(detector, relu.index, (op) => ({ ...op, op: 'OTHER', name: 'HARD_SWISH' }));
    expect(oneLineError(() => tfliteToOnnx(model)).message).toBe(`HARD_SWISH (operator ${relu.index}, output "activation"): this operator has no ONNX translation here`);
  });

  it('an operator that would mix the items of a batch', () => {
    const concat = detector.subgraphs[0].operators.find((op) => op.op === 'CONCATENATION')!;
    const model = withOperator(detector, concat.index, (op) => ({ ...op, op: 'CONCATENATION', options: { axis: 0, activation: 'NONE' } }));
    expect(oneLineError(() => tfliteToOnnx(model)).message).toBe(`CONCATENATION (operator ${concat.index}, output "classificators"): axis 0 is the batch axis or out of range`);
  });
});
