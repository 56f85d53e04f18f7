import { seededRandom } from '../math/seeded-random.js';
import { headActivations, type EmbeddingHead } from '../expression/head.js';

/**
 * Trains FEENet's head with the FEC paper's symmetric triplet loss on fixed backbone features:
 * for faces 1, 2 alike and 3 the odd one, with squared distances d between L2-normalised embeddings,
 *   loss = max(0, d12 - d13 + m) + max(0, d12 - d23 + m).
 * Pure and deterministic for a seed: the same features, triplets and options give the same head.
 */

/** A triplet over face indices: the two alike, then the odd one, with its margin. */
export interface TrainingTriplet {
  readonly alike: readonly [number, number];
  readonly odd: number;
  readonly margin: number;
}

export interface HeadTrainingOptions {
  /** Hidden units. Default 128. */
  readonly hidden?: number;
  /** Embedding size. Default 16. */
  readonly outputs?: number;
  /** Default 40. */
  readonly epochs?: number;
  /** Triplets per step. Default 32. */
  readonly batchSize?: number;
  /** Adam step size. Default 1e-3. */
  readonly learningRate?: number;
  /** Decoupled weight decay (AdamW) on the weights. Default 1e-3. */
  readonly weightDecay?: number;
  /** Fraction of hidden units dropped while training. Default 0.5. */
  readonly dropout?: number;
  /** Seeds initialisation, shuffling, view choice and dropout. Default 1. */
  readonly seed?: number;
}

export const HEAD_TRAINING_DEFAULTS: Required<HeadTrainingOptions> = {
  hidden: 128,
  outputs: 16,
  epochs: 40,
  batchSize: 32,
  learningRate: 1e-3,
  weightDecay: 1e-3,
  dropout: 0.5,
  seed: 1,
};

export interface EpochReport {
  readonly epoch: number;
  /** Mean loss per triplet over the epoch. */
  readonly loss: number;
  /** The head as it stands after this epoch. */
  readonly head: EmbeddingHead;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Per-feature mean and 1/std over every view of every face: the head sees standardised inputs. */
function standardisation(faces: readonly (readonly Float32Array[])[]): { mean: Float64Array; scale: Float64Array } {
  const d = faces[0][0].length;
  const mean = new Float64Array(d), sq = new Float64Array(d);
  let n = 0;
  for (const views of faces) {
    for (const v of views) {
      for (let i = 0; i < d; i++) {
        mean[i] += v[i];
        sq[i] += v[i] * v[i];
      }
      n++;
    }
  }
  const scale = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    mean[i] /= n;
    scale[i] = 1 / Math.sqrt(Math.max(sq[i] / n - mean[i] * mean[i], 0) + 1e-8);
  }
  return { mean, scale };
}

/** The head on raw features: the first layer absorbs the standardisation. */
function folded(head: EmbeddingHead, mean: Float64Array, scale: Float64Array): EmbeddingHead {
  const w1 = new Float32Array(head.w1.length), b1 = Float32Array.from(head.b1);
  for (let j = 0; j < head.hidden; j++) {
    for (let i = 0, row = j * head.inputs; i < head.inputs; i++) {
      w1[row + i] = head.w1[row + i] * scale[i];
      b1[j] -= w1[row + i] * mean[i];
    }
  }
  return { ...head, w1, b1, w2: Float32Array.from(head.w2), b2: Float32Array.from(head.b2) };
}

/**
 * Trains a head on `faces` (per face, one or more feature vectors: its views, e.g. the crop and
 * its mirror; each step picks one view at random) and `triplets`. `onEpoch` sees every epoch's
 * loss and head; with `epochs: 0` the result is the untrained, randomly initialised head.
 */
export function trainHead(
  faces: readonly (readonly Float32Array[])[],
  triplets: readonly TrainingTriplet[],
  options: HeadTrainingOptions = {},
  onEpoch?: (report: EpochReport) => void,
): EmbeddingHead {
  const o = { ...HEAD_TRAINING_DEFAULTS, ...options };
  if (faces.length === 0 || faces.some((v) => v.length === 0)) throw new TypeError('every face needs at least one feature vector');
  const inputs = faces[0][0].length, { hidden, outputs } = o;
  const random = seededRandom(o.seed);
  const { mean, scale } = standardisation(faces);
  const std1 = Math.sqrt(2 / inputs), std2 = Math.sqrt(1 / hidden);
  const head: EmbeddingHead = {
    inputs,
    hidden,
    outputs,
    w1: Float32Array.from({ length: hidden * inputs }, () => gaussian(random) * std1),
    b1: new Float32Array(hidden),
    w2: Float32Array.from({ length: outputs * hidden }, () => gaussian(random) * std2),
    b2: new Float32Array(outputs),
  };
  const params = [head.w1, head.b1, head.w2, head.b2];
  const decays = [true, false, true, false];
  const grads = params.map((p) => new Float32Array(p.length));
  const m1 = params.map((p) => new Float32Array(p.length)), m2 = params.map((p) => new Float32Array(p.length));
  const beta1 = 0.9, beta2 = 0.999;
  let step = 0;
  const order = triplets.map((_, i) => i);

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    for (let start = 0; start < order.length; start += o.batchSize) {
      const batch = order.slice(start, start + o.batchSize).map((t) => triplets[t]);
      // One forward pass per face in the batch, with its own view and dropout mask.
      const passes = new Map<number, { input: Float32Array; keep: Float32Array; act: ReturnType<typeof headActivations>; grad: Float32Array }>();
      for (const t of batch) {
        for (const f of [t.alike[0], t.alike[1], t.odd]) {
          if (passes.has(f)) continue;
          const views = faces[f];
          const view = views[Math.floor(random() * views.length)];
          const input = new Float32Array(inputs);
          for (let i = 0; i < inputs; i++) input[i] = (view[i] - mean[i]) * scale[i];
          const keep = Float32Array.from({ length: hidden }, () => (random() < o.dropout ? 0 : 1 / (1 - o.dropout)));
          passes.set(f, { input, keep, act: headActivations(head, input, keep), grad: new Float32Array(outputs) });
        }
      }
      for (const t of batch) {
        const p1 = passes.get(t.alike[0])!, p2 = passes.get(t.alike[1])!, p3 = passes.get(t.odd)!;
        const [e1, e2, e3] = [p1.act.embedding, p2.act.embedding, p3.act.embedding];
        let d12 = 0, d13 = 0, d23 = 0;
        for (let k = 0; k < outputs; k++) {
          d12 += (e1[k] - e2[k]) ** 2;
          d13 += (e1[k] - e3[k]) ** 2;
          d23 += (e2[k] - e3[k]) ** 2;
        }
        const l1 = d12 - d13 + t.margin, l2 = d12 - d23 + t.margin;
        const w = 1 / batch.length;
        if (l1 > 0) {
          lossSum += l1;
          // d(d12 - d13): e1 -> 2(e3 - e2), e2 -> 2(e2 - e1), e3 -> 2(e1 - e3)
          for (let k = 0; k < outputs; k++) {
            p1.grad[k] += 2 * w * (e3[k] - e2[k]);
            p2.grad[k] += 2 * w * (e2[k] - e1[k]);
            p3.grad[k] += 2 * w * (e1[k] - e3[k]);
          }
        }
        if (l2 > 0) {
          lossSum += l2;
          // d(d12 - d23): e1 -> 2(e1 - e2), e2 -> 2(e3 - e1), e3 -> 2(e2 - e3)
          for (let k = 0; k < outputs; k++) {
            p1.grad[k] += 2 * w * (e1[k] - e2[k]);
            p2.grad[k] += 2 * w * (e3[k] - e1[k]);
            p3.grad[k] += 2 * w * (e2[k] - e3[k]);
          }
        }
      }
      for (const g of grads) g.fill(0);
      for (const { input, keep, act, grad } of passes.values()) backward(head, input, keep, act, grad, grads);
      step++;
      const lr = (o.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      params.forEach((p, k) => {
        const g = grads[k], a = m1[k], b = m2[k];
        for (let i = 0; i < p.length; i++) {
          a[i] = beta1 * a[i] + (1 - beta1) * g[i];
          b[i] = beta2 * b[i] + (1 - beta2) * g[i] * g[i];
          p[i] -= lr * a[i] / (Math.sqrt(b[i]) + 1e-8) + (decays[k] ? o.learningRate * o.weightDecay * p[i] : 0);
        }
      });
    }
    onEpoch?.({ epoch, loss: lossSum / Math.max(1, triplets.length), head: folded(head, mean, scale) });
  }
  return folded(head, mean, scale);
}

/** Adds one face's parameter gradients, given the loss gradient on its embedding. */
function backward(head: EmbeddingHead, input: Float32Array, keep: Float32Array, act: ReturnType<typeof headActivations>, gradEmbedding: Float32Array, grads: Float32Array[]): void {
  const { inputs, hidden, outputs, w2 } = head;
  const [gw1, gb1, gw2, gb2] = grads;
  const { raw, embedding: e } = act;
  let norm = 0, along = 0;
  for (let k = 0; k < outputs; k++) {
    norm += raw[k] * raw[k];
    along += e[k] * gradEmbedding[k];
  }
  norm = Math.sqrt(norm) || 1;
  // Through the normalisation: only the part of the gradient across the unit sphere moves e.
  const gradRaw = new Float32Array(outputs);
  for (let k = 0; k < outputs; k++) gradRaw[k] = (gradEmbedding[k] - e[k] * along) / norm;
  const gradHidden = new Float32Array(hidden);
  for (let k = 0; k < outputs; k++) {
    gb2[k] += gradRaw[k];
    for (let j = 0, row = k * hidden; j < hidden; j++) {
      gw2[row + j] += gradRaw[k] * act.hidden[j];
      gradHidden[j] += gradRaw[k] * w2[row + j];
    }
  }
  for (let j = 0; j < hidden; j++) {
    // act.hidden is relu(pre) * keep: zero where the unit was off or dropped.
    if (act.hidden[j] === 0) continue;
    const g = gradHidden[j] * keep[j];
    gb1[j] += g;
    for (let i = 0, row = j * inputs; i < inputs; i++) gw1[row + i] += g * input[i];
  }
}
