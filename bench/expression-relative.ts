/**
 * The person-relative expression embedding (src/expression/relative-embedding.ts) measured against
 * the classifier alone and its own ablations, on the fixtures' cached per-face features
 * (bench/expression-features.ts), through the product's functions: expressionFeatures,
 * relativeEmbedding, restingFace, RestingFaces, MedianPool, trainHead. Prints:
 *
 * 1. the constants the product ships (REST_SPREAD, POPULATION_REST_START), measured again;
 * 2. per candidate: London cross-person triplets (validation people against the population's rest
 *    and against their own; training people against their own), the CREMA-D man's one-shot tagging
 *    mean AP as the live flow sees him (5 fps, his online resting face, 3-frame median pooling), and
 *    the smile test (a London smile photo as the only reference tags his happy segment);
 * 3. the same for a FEENet-style head trained on the relative embeddings of London training people.
 *
 *   npx tsx bench/expression-relative.ts     (extracts the features first if not cached: ~1 min)
 */
import { performance } from 'node:perf_hooks';
import { EXPRESSION_EMBEDDINGS, expressionEmbedding, expressionEmbeddingKind } from '../src/expression/embedding.js';
import { RELATIVE_EMBEDDING } from '../src/expression/expression-space.js';
import { headEmbedding } from '../src/expression/head.js';
import { trainHead, type TrainingTriplet } from '../src/expression-lab/head-training.js';
import { MedianPool } from '../src/expression/median-pool.js';
import { expressionFeatures, FEATURE_SIZE, LIVE_BLENDSHAPES, POPULATION_REST_START, REST_ANCHOR, REST_SPREAD, relativeEmbedding } from '../src/expression/relative-embedding.js';
import { RestingFaces, restingFace, type RestEstimator } from '../src/expression/resting-face.js';
import { BLENDSHAPE_NAMES } from '../src/face/mediapipe/blendshape-names.js';
import { componentMedian, euclideanDistance, l2Normalise } from '../src/math/vector.js';
import { EXPRESSION_LABELS, type ExpressionOutputs } from '../src/models/expression.js';
import { FACE_EXPRESSION_NET } from '../src/models/face-expression-net.js';
import { fixture } from '../test/support/fixtures.js';
import { londonPeople } from '../scripts/london-people.js';
import { crossPersonAccuracy } from './cross-person.js';
import { FEATURES_PATH, fixtureFeatures, type FaceFeatures } from './expression-features.js';

const started = performance.now();

console.log(`mien bench/expression-relative: ${new Date().toISOString()}`);
console.log('command: npx tsx bench/expression-relative.ts');
const all = await fixtureFeatures();
console.log(`features: ${FEATURES_PATH} (${all.length} faces)`);

type ProbabilityField = 'probabilities' | 'probabilitiesFaceApi';
const LIVE = LIVE_BLENDSHAPES.length;
const featuresOf = (f: FaceFeatures, field: ProbabilityField): Float32Array => expressionFeatures(f.blendshapes, f[field]);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const byPerson = <T extends { readonly person: string }>(faces: readonly T[]): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const f of faces) out.set(f.person, [...(out.get(f.person) ?? []), f]);
  return out;
};
const median: RestEstimator = { kind: 'median' };
const pad = (s: string, n: number): string => s.padEnd(n);
const num = (v: number, n = 7, digits = 3): string => v.toFixed(digits).padStart(n);

// ---------------------------------------------------------------------------------------------
// 1. The shipped constants, measured again.

const population = all.filter((f) => f.set === 'population' && f.accepted);
const grid = byPerson(population.filter((f) => f.person.startsWith('grid-')));

/** Per block, the mean distance of a GRID speaker's frames from the median of their own (over every frame of every speaker). */
function restSpread(field: ProbabilityField): { blendshapes: number; probabilities: number } {
  const b: number[] = [], p: number[] = [];
  for (const faces of grid.values()) {
    const xs = faces.map((f) => featuresOf(f, field));
    const rest = restingFace(xs, median);
    for (const x of xs) {
      b.push(euclideanDistance(x.subarray(0, LIVE), rest.subarray(0, LIVE)));
      p.push(euclideanDistance(x.subarray(LIVE), rest.subarray(LIVE)));
    }
  }
  return { blendshapes: mean(b), probabilities: mean(p) };
}

/** Flags a measured constant more than 2% off the source's (compared at the 4 decimals the source is written with). */
const off = (measured: number, source: number): boolean => Math.abs(Math.round(measured * 1e4) / 1e4 - source) > 0.02 * Math.abs(source);
const mark = (measured: number, source: number): string => (off(measured, source) ? '  <-- differs by more than 2%' : '');

const spread = restSpread('probabilitiesFaceApi');
// The 3-scale probabilities stray less at rest; their row is divided by their own spread (below).
const spreadThreeScales = restSpread('probabilities');
console.log(`\nREST_SPREAD: per block, mean distance of a GRID speaker's accepted frames (5 fps) from the median of their own (${grid.size} speakers, ${[...grid.values()].flat().length} frames; face-api's crop)`);
console.log('block           source  measured');
for (const block of ['blendshapes', 'probabilities'] as const) console.log(`${pad(block, 14)} ${num(REST_SPREAD[block])}   ${num(spread[block])}${mark(spread[block], REST_SPREAD[block])}`);
console.log(`(3-scale probabilities, field 'probabilities', for comparison: ${spreadThreeScales.probabilities.toFixed(3)})`);

const populationPeople = byPerson(population);
const populationRest = componentMedian([...populationPeople.values()].map((faces) => restingFace(faces.map((f) => featuresOf(f, 'probabilitiesFaceApi')), median)));
const featureNames = [...LIVE_BLENDSHAPES.map((i) => BLENDSHAPE_NAMES[i]), ...EXPRESSION_LABELS.map((l) => `p(${l})`)];
const meds = [...populationPeople.keys()].filter((p) => p.startsWith('meds-')).length;
console.log(`\nPOPULATION_REST_START: per feature, the median over ${populationPeople.size} people (${meds} MEDS, ${populationPeople.size - meds} GRID; accepted faces) of each person's own median; face-api's crop`);
console.log('feature               source  measured');
let differing = 0;
featureNames.forEach((name, i) => {
  differing += Number(off(populationRest[i], POPULATION_REST_START[i]));
  console.log(`${pad(name, 20)} ${num(POPULATION_REST_START[i], 7, 4)}   ${num(populationRest[i], 7, 4)}${mark(populationRest[i], POPULATION_REST_START[i])}`);
});
console.log(`${differing} of ${FEATURE_SIZE} differ by more than 2%`);

// ---------------------------------------------------------------------------------------------
// 2. Candidates.

const START = Float32Array.from(POPULATION_REST_START);
const ORIGIN = new Float32Array(FEATURE_SIZE);

/**
 * The product's embedding with some parts left out: zeroing components of a unit vector and
 * normalising again is the same as never having had them, so the variants need no copy of it.
 */
function without(e: Float32Array, parts: { readonly probabilities?: boolean; readonly anchor?: boolean }): Float32Array {
  const out = Float32Array.from(e);
  if (parts.probabilities) out.fill(0, LIVE, FEATURE_SIZE);
  if (parts.anchor) out[FEATURE_SIZE] = 0;
  return l2Normalise(out);
}

/** Features whose probabilities stray from `rest` `factor` times as far: relativeEmbedding then divides them by another spread. */
function stretchProbabilities(features: Float32Array, rest: ArrayLike<number>, factor: number): Float32Array {
  const out = Float32Array.from(features);
  for (let i = LIVE; i < FEATURE_SIZE; i++) out[i] = rest[i] + (features[i] - rest[i]) * factor;
  return out;
}

/** The classifier's embedding of its probabilities (the features' last 7): with no head, nothing else is read. */
const classifierEmbedding = (features: Float32Array): Float32Array => {
  const outputs: ExpressionOutputs = { logits: new Float32Array(EXPRESSION_LABELS.length), probabilities: features.slice(LIVE), pooled: new Float32Array(0) };
  return expressionEmbedding(outputs, undefined);
};

interface Candidate {
  readonly name: string;
  readonly field: ProbabilityField;
  /** Read against a resting face; the other rows ignore `rest`. */
  readonly relative: boolean;
  readonly embed: (features: Float32Array, rest: Float32Array) => Float32Array;
  /** The man's online resting face on video. */
  readonly estimator: RestEstimator;
  /** Tag distance: the row's default. */
  readonly threshold: number;
}

const CLASSIFIER_THRESHOLD = EXPRESSION_EMBEDDINGS[FACE_EXPRESSION_NET.kind].defaultThreshold;
const RELATIVE_THRESHOLD = RELATIVE_EMBEDDING.defaultThreshold;
const candidates: Candidate[] = [
  { name: 'classifier probabilities, 3 scales (default without MediaPipe)', field: 'probabilities', relative: false, embed: classifierEmbedding, estimator: median, threshold: CLASSIFIER_THRESHOLD },
  { name: "classifier probabilities, face-api's crop", field: 'probabilitiesFaceApi', relative: false, embed: classifierEmbedding, estimator: median, threshold: CLASSIFIER_THRESHOLD },
  // No calibrated thresholds exist for the raw rows: the relative one stands in (the sweep shows the rest).
  { name: 'raw blendshapes (44 live), L2', field: 'probabilitiesFaceApi', relative: false, embed: (f) => l2Normalise(f.slice(0, LIVE)), estimator: median, threshold: RELATIVE_THRESHOLD },
  { name: 'raw fused: relativeEmbedding with rest 0', field: 'probabilitiesFaceApi', relative: false, embed: (f) => relativeEmbedding(f, ORIGIN), estimator: median, threshold: RELATIVE_THRESHOLD },
  { name: 'relative blendshapes + anchor (no probabilities)', field: 'probabilitiesFaceApi', relative: true, embed: (f, r) => without(relativeEmbedding(f, r), { probabilities: true }), estimator: median, threshold: RELATIVE_THRESHOLD },
  { name: "relative fused, face-api's crop (THE DEFAULT)", field: 'probabilitiesFaceApi', relative: true, embed: relativeEmbedding, estimator: median, threshold: RELATIVE_THRESHOLD },
  {
    name: `relative fused, 3-scale probabilities (spread ${spreadThreeScales.probabilities.toFixed(3)})`,
    field: 'probabilities',
    relative: true,
    embed: (f, r) => relativeEmbedding(stretchProbabilities(f, r, REST_SPREAD.probabilities / spreadThreeScales.probabilities), r),
    estimator: median,
    threshold: RELATIVE_THRESHOLD,
  },
  { name: 'relative fused, anchor 0', field: 'probabilitiesFaceApi', relative: true, embed: (f, r) => without(relativeEmbedding(f, r), { anchor: true }), estimator: median, threshold: RELATIVE_THRESHOLD },
  { name: 'relative fused, least-active rest (0.5) on video', field: 'probabilitiesFaceApi', relative: true, embed: relativeEmbedding, estimator: { kind: 'least-active', fraction: 0.5 }, threshold: RELATIVE_THRESHOLD },
];

// London: each person's neutral (03) and smiling (08) photo.
const { all: londonIds, validation, training } = londonPeople(fixture('faces/london'));
const london = new Map(londonIds.map((id) => {
  const photo = (kind: string): FaceFeatures => all.find((f) => f.set === 'london' && f.source === `faces/london/${id}_${kind}.jpg`)!;
  return [id, { neutral: photo('03'), smiling: photo('08') }] as const;
}));

/**
 * Each London person's two photos embedded: against the population's rest ("raw"), or against their
 * own rest, the median of the two ("people", as `mien eval-fec --people`). The people mode flatters:
 * that rest is the mean of the very pair a triplet compares.
 */
function londonEmbeddings(c: Candidate, mode: 'raw' | 'people'): Map<string, { neutral: Float32Array; smiling: Float32Array }> {
  return new Map([...london].map(([id, photos]) => {
    const n = featuresOf(photos.neutral, c.field), s = featuresOf(photos.smiling, c.field);
    const rest = mode === 'people' ? restingFace([n, s], median) : START;
    return [id, { neutral: c.embed(n, rest), smiling: c.embed(s, rest) }];
  }));
}

const triplets = (group: readonly string[], e: ReturnType<typeof londonEmbeddings>): number => crossPersonAccuracy(group, (p) => e.get(p)!, (x) => x);

// The CREMA-D man as the live flow sees him: 5 fps (every 6th frame of 29.97), FaceQA-accepted.
const video = all.filter((f) => f.set === 'cremad-video' && f.accepted && f.frame! % 6 === 0).sort((a, b) => a.frame! - b.frame!);
const EMOTIONS = [...new Set(video.map((f) => f.segment!))];
const MAN = 1;

/** Each frame embedded against the man's resting face so far (once warmed up he is in the population's rest too), then pooled with his last 2 (MedianPool). */
function videoEmbeddings(c: Candidate): Float32Array[] {
  const rests = new RestingFaces({ start: POPULATION_REST_START, estimator: c.estimator });
  const pool = new MedianPool(3);
  return video.map((f) => {
    const x = featuresOf(f, c.field);
    rests.observe(MAN, x);
    return pool.push(MAN, c.embed(x, rests.restOf(MAN)));
  });
}

/** Frames within this many (at 5 fps) of a query are not ranked: pooled over 3 frames, they share the query's own frames and would count as easy hits. */
const NEIGHBOURS = 2;

/** One-shot tagging: each frame is a query over the others (its neighbours left out); AP of its own segment; mean per emotion, then over emotions. */
function taggingAp(pooled: readonly Float32Array[]): { perEmotion: Map<string, number>; mean: number } {
  const aps = new Map<string, number[]>(EMOTIONS.map((e) => [e, []]));
  pooled.forEach((query, i) => {
    const ranked = pooled
      .map((e, j) => ({ j, d: euclideanDistance(query, e) }))
      .filter(({ j }) => Math.abs(j - i) > NEIGHBOURS)
      .sort((a, b) => a.d - b.d);
    let hits = 0, sum = 0;
    ranked.forEach(({ j }, rank) => {
      if (video[j].segment !== video[i].segment) return;
      hits++;
      sum += hits / (rank + 1);
    });
    if (hits > 0) aps.get(video[i].segment!)!.push(sum / hits);
  });
  const perEmotion = new Map([...aps].map(([e, v]) => [e, mean(v)]));
  return { perEmotion, mean: mean([...perEmotion.values()]) };
}

const SWEEP = [0.6, 0.7, 0.8, 0.9];

/**
 * How many London smiles, each the only reference (a photo: against the population's rest), tag
 * the man's happy segment: at least 30% of its frames, and more than twice the share of any other.
 */
function smileTest(c: Candidate, pooled: readonly Float32Array[], threshold: number): { passed: number; failed: string[] } {
  const failed: string[] = [];
  for (const [id, photos] of london) {
    const reference = c.embed(featuresOf(photos.smiling, c.field), START);
    const share = new Map(EMOTIONS.map((e) => {
      const frames = pooled.filter((_, i) => video[i].segment === e);
      return [e, frames.filter((x) => euclideanDistance(x, reference) <= threshold).length / frames.length];
    }));
    const happy = share.get('happy')!;
    if (!(happy >= 0.3 && EMOTIONS.every((e) => e === 'happy' || happy > 2 * share.get(e)!))) failed.push(id);
  }
  return { passed: london.size - failed.length, failed };
}

interface Scores {
  readonly validationRaw: number;
  readonly validationPeople: number;
  readonly trainingPeople: number;
  readonly tagging: ReturnType<typeof taggingAp>;
  readonly smile: ReturnType<typeof smileTest>;
  readonly sweep: number[];
}

function score(c: Candidate): Scores {
  const raw = londonEmbeddings(c, 'raw'), people = londonEmbeddings(c, 'people');
  const pooled = videoEmbeddings(c);
  return {
    validationRaw: triplets(validation, raw),
    validationPeople: triplets(validation, people),
    trainingPeople: triplets(training, people),
    tagging: taggingAp(pooled),
    smile: smileTest(c, pooled, c.threshold),
    sweep: SWEEP.map((t) => smileTest(c, pooled, t).passed),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. A FEENet-style head over the default's relative embeddings (52-d: the head sees the anchor
// too, so how far a face is from rest is part of its input), trained on London training people
// each read against their own rest (people mode), with the cross-person triplets the columns score.

const DEFAULT = candidates.find((c) => c.name.includes('THE DEFAULT'))!;
const trainingPeople = londonEmbeddings(DEFAULT, 'people');
const faces: Float32Array[][] = [];
const indexOf = new Map<string, number>();
for (const id of training) {
  for (const kind of ['neutral', 'smiling'] as const) {
    indexOf.set(`${id}:${kind}`, faces.length);
    faces.push([trainingPeople.get(id)![kind]]);
  }
}
const HEAD_MARGIN = 0.2;
const headTriplets: TrainingTriplet[] = training.flatMap((a) => training.filter((b) => b !== a).flatMap((b) => [
  { alike: [indexOf.get(`${a}:smiling`)!, indexOf.get(`${b}:smiling`)!], odd: indexOf.get(`${a}:neutral`)!, margin: HEAD_MARGIN },
  { alike: [indexOf.get(`${a}:neutral`)!, indexOf.get(`${b}:neutral`)!], odd: indexOf.get(`${a}:smiling`)!, margin: HEAD_MARGIN },
]));
let lastLoss = NaN;
const head = trainHead(faces, headTriplets, {}, (r) => (lastLoss = r.loss));
const headRow: Candidate = {
  name: 'relative fused + trained head (52 -> 128 -> 16)',
  field: DEFAULT.field,
  relative: true,
  embed: (f, r) => headEmbedding(head, relativeEmbedding(f, r)),
  estimator: median,
  threshold: expressionEmbeddingKind(FACE_EXPRESSION_NET.kind, head).defaultThreshold,
};

// ---------------------------------------------------------------------------------------------
// Tables.

const rows = [...candidates, headRow].map((c) => ({ c, s: score(c) }));
const W = Math.max(...rows.map(({ c }) => c.name.length));

console.log(`\nCandidates. London cross-person triplets (bench/cross-person.ts): validation people (${validation.length}, every third in id order), each photo read`);
console.log('against the population\'s rest (raw) or against its person\'s own, the median of their two photos (people; as `mien eval-fec --people`);');
console.log(`training people (${training.length}), people mode. CREMA-D 1001: ${video.length} accepted frames at 5 fps, one-shot tagging mean AP (each frame a query, frames within`);
console.log(`${NEIGHBOURS} of it left out, relevant = its segment; mean per emotion, then over the ${EMOTIONS.length}). Smile test: London smiles (of ${london.size}) whose photo alone tags the happy segment,`);
console.log('at the row\'s default threshold. Rows not read against a rest score the same in raw and people modes.');
console.log(`${pad('candidate', W)}  val raw  val people  train people  CREMA mAP  smile test (threshold)`);
for (const { c, s } of rows) {
  console.log(`${pad(c.name, W)}  ${num(s.validationRaw)}  ${num(s.validationPeople, 10)}  ${num(s.trainingPeople, 12)}  ${num(s.tagging.mean, 9)}  ${String(s.smile.passed).padStart(5)} / ${london.size} (${c.threshold.toFixed(2)})`);
}

console.log('\nCREMA-D one-shot tagging AP per emotion');
console.log(`${pad('candidate', W)}  ${EMOTIONS.map((e) => e.padStart(7)).join('  ')}     mean`);
for (const { c, s } of rows) console.log(`${pad(c.name, W)}  ${EMOTIONS.map((e) => num(s.tagging.perEmotion.get(e)!)).join('  ')}  ${num(s.tagging.mean)}`);

console.log(`\nSmile test over thresholds (London smiles of ${london.size} that pass); at the row's default, who fails (or, where most fail, who passes)`);
console.log(`${pad('candidate', W)}  ${SWEEP.map((t) => t.toFixed(1).padStart(4)).join('  ')}  default  at default`);
for (const { c, s } of rows) {
  const who = s.smile.failed.length <= london.size / 2 ? `fail: ${s.smile.failed.join(' ')}` : `pass: ${londonIds.filter((id) => !s.smile.failed.includes(id)).join(' ') || 'none'}`;
  console.log(`${pad(c.name, W)}  ${s.sweep.map((n) => String(n).padStart(4)).join('  ')}  ${String(s.smile.passed).padStart(7)}  ${who}`);
}

const relativeDefault = rows.find(({ c }) => c === DEFAULT)!.s, trained = rows.at(-1)!.s;
console.log(`\nTrained head: trainHead defaults (seed 1, 40 epochs, margin ${HEAD_MARGIN}) on ${headTriplets.length} triplets of ${training.length} training people, final loss ${lastLoss.toFixed(4)};`);
console.log(`input: the ${DEFAULT.name.replace(' (THE DEFAULT)', '')} embedding (${FEATURE_SIZE + 1}-d, anchor ${REST_ANCHOR.toFixed(3)} included), people mode.`);
console.log(`against the default on people it was not trained on: validation raw ${signed(trained.validationRaw - relativeDefault.validationRaw)}, validation people ${signed(trained.validationPeople - relativeDefault.validationPeople)},`);
console.log(`CREMA mAP ${signed(trained.tagging.mean - relativeDefault.tagging.mean)}, smile test ${signed(trained.smile.passed - relativeDefault.smile.passed, 0)} (training people, which it saw: ${signed(trained.trainingPeople - relativeDefault.trainingPeople)})`);
const unseen = [trained.validationRaw - relativeDefault.validationRaw, trained.validationPeople - relativeDefault.validationPeople, trained.tagging.mean - relativeDefault.tagging.mean, trained.smile.passed - relativeDefault.smile.passed];
console.log(`helps on people it was not trained on: ${unseen.every((d) => d >= 0) ? 'yes' : 'no'} (better on ${unseen.filter((d) => d > 0).length} of the 4 unseen columns, worse on ${unseen.filter((d) => d < 0).length})`);

console.log(`\nran ${((performance.now() - started) / 1000).toFixed(1)} s`);

function signed(v: number, digits = 3): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}
