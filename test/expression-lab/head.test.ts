import { describe, expect, it } from 'vitest';
import { decodeHeadOnnx, encodeHeadOnnx, headEmbedding, HEAD_ONNX } from '../../src/expression/head.js';
import { tripletAgrees, type FecTriplet } from '../../src/expression-lab/fec.js';
import { FEC_TYPE_MARGINS, headTrainingSet } from '../../src/expression-lab/head-data.js';
import { trainHead, type TrainingTriplet } from '../../src/expression-lab/head-training.js';
import { seededRandom } from '../../src/math/seeded-random.js';
import { ort } from '../../src/models/session.js';

/**
 * A toy expression problem: people with a "neutral" and a "smiling" face in 32-d. Who the person
 * is dominates the features (as in the real backbone): a large offset in the first 8 dimensions;
 * the smile is a small shift along a direction shared by everyone.
 */
function toyFaces(people: number, seed: number): Float32Array[][] {
  const random = seededRandom(seed);
  const smile = Float32Array.from({ length: 32 }, (_, i) => (i >= 8 && i % 4 === 1 ? 0.6 : 0));
  return Array.from({ length: people }, () => {
    const who = Float32Array.from({ length: 32 }, (_, i) => (i < 8 ? (random() - 0.5) * 4 : 0));
    return [0, 1].map((s) => [Float32Array.from(who, (v, i) => v + s * smile[i] + (random() - 0.5) * 0.2)]);
  }).flat();
}
/** Person p's neutral face is 2p, smiling 2p + 1: A smiling, B smiling, A neutral and the mirror. */
function crossPersonTriplets(people: number): TrainingTriplet[] {
  const out: TrainingTriplet[] = [];
  for (let a = 0; a < people; a++) {
    for (let b = 0; b < people; b++) {
      if (a === b) continue;
      out.push({ alike: [2 * a + 1, 2 * b + 1], odd: 2 * a, margin: 0.2 }, { alike: [2 * a, 2 * b], odd: 2 * a + 1, margin: 0.2 });
    }
  }
  return out;
}
const accuracy = (embed: (v: Float32Array) => Float32Array, faces: Float32Array[][], triplets: TrainingTriplet[]): number =>
  triplets.filter((t) => tripletAgrees([embed(faces[t.alike[0]][0]), embed(faces[t.alike[1]][0]), embed(faces[t.odd][0])], 2)).length / triplets.length;

describe('FEENet head training', () => {
  const train = toyFaces(12, 1), trainTriplets = crossPersonTriplets(12);
  const unseen = toyFaces(6, 2), unseenTriplets = crossPersonTriplets(6);
  const options = { hidden: 16, outputs: 4, epochs: 60, seed: 3 };

  it('learns the shared expression direction: unseen people\'s triplets go from chance to right', () => {
    const losses: number[] = [];
    const head = trainHead(train, trainTriplets, options, ({ loss }) => losses.push(loss));
    const untrained = trainHead(train, trainTriplets, { ...options, epochs: 0 });
    expect(losses).toHaveLength(60);
    expect(losses[59]).toBeLessThan(losses[0] / 2);
    expect(accuracy((v) => headEmbedding(untrained, v), unseen, unseenTriplets)).toBeLessThan(0.6);
    expect(accuracy((v) => headEmbedding(head, v), unseen, unseenTriplets)).toBeGreaterThan(0.9);
  });

  it('is deterministic for a seed', () => {
    const a = trainHead(train, trainTriplets, { ...options, epochs: 3 });
    const b = trainHead(train, trainTriplets, { ...options, epochs: 3 });
    const c = trainHead(train, trainTriplets, { ...options, epochs: 3, seed: 4 });
    expect(b.w1).toEqual(a.w1);
    expect(b.w2).toEqual(a.w2);
    expect(c.w1).not.toEqual(a.w1);
  });

  it('writes ONNX that ONNX Runtime runs to the same unit embeddings, and reads it back', async () => {
    const head = trainHead(train, trainTriplets, { ...options, epochs: 2 });
    const bytes = encodeHeadOnnx(head);
    expect(decodeHeadOnnx(bytes)).toEqual(head);
    const session = await ort.InferenceSession.create(bytes);
    try {
      const batch = unseen.slice(0, 5).map((v) => v[0]);
      const input = new ort.Tensor('float32', Float32Array.from(batch.flatMap((v) => Array.from(v))), [batch.length, head.inputs]);
      const out = (await session.run({ [HEAD_ONNX.input]: input }))[HEAD_ONNX.output];
      expect(out.dims).toEqual([5, head.outputs]);
      const data = out.data as Float32Array;
      batch.forEach((v, i) => {
        const mine = headEmbedding(head, v);
        mine.forEach((x, k) => expect(data[i * head.outputs + k]).toBeCloseTo(x, 5));
        expect(Math.hypot(...mine)).toBeCloseTo(1, 6);
      });
    } finally {
      await session.release();
    }
  });
});

describe('training set from FEC triplets', () => {
  it('lists each face once, points triplets at them, and takes the FEC paper\'s per-type margins', () => {
    const [a, b, c, d] = [[Float32Array.of(1)], [Float32Array.of(2)], [Float32Array.of(3)], [Float32Array.of(4)]];
    const row = (type: FecTriplet['type']): FecTriplet => ({ line: 1, type, faces: [] as unknown as FecTriplet['faces'], annotations: [1] });
    const ready = [
      { triplet: row('ONE_CLASS_TRIPLET'), odd: 2 as const, faces: [a, b, c] as const },
      { triplet: row('THREE_CLASS_TRIPLET'), odd: 0 as const, faces: [d, a, c] as const },
    ];
    const { faces, triplets } = headTrainingSet(ready, FEC_TYPE_MARGINS);
    expect(faces).toEqual([a, b, c, d]);
    expect(triplets).toEqual([
      { alike: [0, 1], odd: 2, margin: 0.1 },
      { alike: [0, 2], odd: 3, margin: 0.2 },
    ]);
    expect(headTrainingSet(ready, 0.2).triplets.map((t) => t.margin)).toEqual([0.2, 0.2]);
  });
});
