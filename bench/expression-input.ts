/**
 * The expression model (DenseNet-121 FER, global average pooling) on smaller inputs than the 224 px
 * it ships with, and with int8 convolutions (`224-int8`: the model `mien models fetch` derives):
 * cost against accuracy on the fixtures, before any is adopted. Per variant:
 *
 * - ms per face (batch 4, the default threads), best and median of alternating rounds;
 * - with the default embedding (7 probabilities): triplet accuracy on the fixture triplets
 *   (`npx tsx scripts/fixture-triplets.ts` writes them: London validation people, the CREMA-D man
 *   against them, the man alone), and London smiles against other people's neutral photos
 *   (bench/threshold.ts's test) at the default threshold;
 * - how often the top class agrees with the 224 px float model's, over every face of those sets.
 *
 * The crop is the same eye-aligned crop (eyes level, 70/224 of its width apart), warped straight
 * from the picture at the smaller size.
 *
 *   npx tsx bench/expression-input.ts [--variants 224,224-int8,160,128,112] [--rounds 5] [--threads N]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FaceCore, type LocatedFace } from '../src/face/analyser.js';
import { EXPRESSION_EMBEDDINGS } from '../src/expression/embedding.js';
import { parseFecCsv } from '../src/expression-lab/fec.js';
import { describeFacesInBoxes, findFecFaces, scoreFecFaces } from '../src/expression-lab/fec-evaluation.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { euclideanDistance, l2Normalise, softmax } from '../src/math/vector.js';
import { openModels } from '../src/models/index.js';
import { DENSENET_FER } from '../src/models/expression.js';
import { decodeModel, encodeModel } from '../src/models/onnx-format.js';
import { openModelSession, ort, type ModelSession } from '../src/models/session.js';
import { packNchw } from '../src/models/tensor-input.js';
import { warpAffine } from '../src/image/warp.js';
import { fixture } from '../test/support/fixtures.js';
import { londonPeople } from '../scripts/london-people.js';

const { values } = parseArgs({ options: { variants: { type: 'string', default: '224,224-int8,160,128,112' }, rounds: { type: 'string', default: '5' }, threads: { type: 'string' } } });
/** A variant is an input side, float unless it ends in -int8 (224 only: the provisioned int8 model). */
const variants = values.variants.split(',');
const FULL = String(DENSENET_FER.input.width);
const sideOf = (variant: string): number => Number.parseInt(variant, 10);
const rounds = Number(values.rounds);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TRIPLETS = join(ROOT, '.cache/fixture-triplets');
const VARIANTS = join(ROOT, '.cache/expression-input');

const models = await openModels({}, { log: () => {} });
const core = new FaceCore(models);

/** The provisioned graph with its input fixed at size x size (global pooling makes the rest follow). */
function variantPath(variant: string): string {
  const size = sideOf(variant);
  if (variant === `${FULL}-int8`) return join(ROOT, 'models', DENSENET_FER.int8.file);
  const source = join(ROOT, 'models', DENSENET_FER.source.file);
  if (variant === FULL) return source;
  const model = decodeModel(readFileSync(source));
  const dims = model.graph.input![0].type!.tensorType!.shape!.dim!;
  dims[2] = { dimValue: String(size) };
  dims[3] = { dimValue: String(size) };
  mkdirSync(VARIANTS, { recursive: true });
  const path = join(VARIANTS, `fr_expression_${size}.onnx`);
  writeFileSync(path, encodeModel(model));
  return path;
}

const sessions = new Map<string, ModelSession>();
const intraOpThreads = values.threads === undefined ? undefined : Number(values.threads);
for (const variant of variants) sessions.set(variant, await openModelSession(variantPath(variant), { log: () => {}, intraOpThreads }));

async function probabilities(variant: string, crops: readonly RgbImage[]): Promise<Float32Array[]> {
  const size = sideOf(variant);
  const input = { ...DENSENET_FER.input, width: size, height: size };
  const out: Float32Array[] = [];
  for (let start = 0; start < crops.length; start += 8) {
    const batch = crops.slice(start, start + 8);
    const tensor = new ort.Tensor('float32', packNchw(batch, input), [batch.length, 3, size, size]);
    const { output } = await sessions.get(variant)!.run({ input: tensor }, ['output']);
    const logits = output.data as Float32Array;
    for (let i = 0; i < batch.length; i++) out.push(softmax(logits.subarray(i * 7, (i + 1) * 7)));
  }
  return out;
}

/** The eye-aligned crop at `size`: the 224 px crop's geometry, scaled. */
function eyeCrop(face: LocatedFace, size: number): RgbImage {
  if (size === DENSENET_FER.input.width) return face.eyeCrop.image;
  const k = size / DENSENET_FER.input.width;
  const [a, b, c, d, e, f] = face.eyeCrop.transform;
  return warpAffine(face.frame, [a * k, b * k, c * k, d * k, e * k, f * k], size, size);
}

/** Every variant's 7 probabilities per face. */
type Described = Map<string, Float32Array>;
const describeFaces = async (faces: LocatedFace[]): Promise<Described[]> => {
  const byVariant = new Map<string, Float32Array[]>();
  for (const v of variants) byVariant.set(v, await probabilities(v, faces.map((f) => eyeCrop(f, sideOf(v)))));
  return faces.map((_, i) => new Map(variants.map((v) => [v, byVariant.get(v)![i]])));
};
const everyFace: Described[] = [];
const describe = describeFacesInBoxes(core, readImageFile, async (faces: LocatedFace[]) => {
  const described = await describeFaces(faces);
  everyFace.push(...described);
  return described;
});

const sets = ['validation', 'validation-video', 'validation-same-person'];
const accuracy = new Map<string, Map<string, number>>();
for (const set of sets) {
  const { triplets } = parseFecCsv(readFileSync(join(TRIPLETS, `${set}.csv`), 'utf8'));
  const found = await findFecFaces(triplets, TRIPLETS, describe);
  accuracy.set(set, new Map(variants.map((v) => [v, scoreFecFaces(found.triplets, (d) => l2Normalise(Float32Array.from(d.get(v)!))).accuracy])));
}

// London smiles as references against other people's smiles (should tag) and neutrals (should not).
const london = fixture('faces/london');
const { all: people, neutral: neutralPhoto, smiling: smilingPhoto } = londonPeople(london);
const largest = async (path: string): Promise<Described> => {
  const image = await readImageFile(path);
  const [faces] = await core.detect([image]);
  const best = faces.sort((a, b) => (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]) - (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]))[0];
  const [face] = await core.locate([{ frame: image, detection: best }]);
  const [d] = await describeFaces([face]);
  everyFace.push(d);
  return d;
};
const smiles = new Map<string, Described>(), neutrals = new Map<string, Described>();
for (const p of people) {
  smiles.set(p, await largest(smilingPhoto(p)));
  neutrals.set(p, await largest(neutralPhoto(p)));
}
const balanced = (variant: string): number => {
  const t = EXPRESSION_EMBEDDINGS[DENSENET_FER.kind].defaultThreshold;
  const e = (d: Described) => l2Normalise(Float32Array.from(d.get(variant)!));
  let tp = 0, tn = 0, n = 0;
  for (const ref of people) {
    for (const other of people) {
      if (other === ref) continue;
      n++;
      if (euclideanDistance(e(smiles.get(ref)!), e(smiles.get(other)!)) <= t) tp++;
      if (euclideanDistance(e(smiles.get(ref)!), e(neutrals.get(other)!)) > t) tn++;
    }
  }
  return (tp / n + tn / n) / 2;
};
const top = (p: Float32Array) => p.indexOf(Math.max(...p));
const agreement = (variant: string) => everyFace.filter((d) => top(d.get(variant)!) === top(d.get(FULL)!)).length / everyFace.length;

// Speed: batch 4 of face crops, variants alternating so that load from elsewhere spreads over all.
const times = new Map<string, number[]>(variants.map((v) => [v, []]));
const feeds = new Map(variants.map((v) => {
  const s = sideOf(v);
  return [v, { input: new ort.Tensor('float32', Float32Array.from({ length: 4 * 3 * s * s }, () => Math.random()), [4, 3, s, s]) }];
}));
for (const v of variants) await sessions.get(v)!.run(feeds.get(v)!);
for (let r = 0; r < rounds; r++) {
  for (const v of variants) {
    const started = performance.now();
    await sessions.get(v)!.run(feeds.get(v)!);
    times.get(v)!.push((performance.now() - started) / 4);
  }
}

const rows = [['variant', 'ms/face best', 'median', 'x 224', 'London triplets', 'video', 'same person', 'smile vs neutral', 'top class = 224']];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const base = median(times.get(FULL) ?? times.get(variants[0])!);
for (const v of variants) {
  const t = times.get(v)!;
  const s = sideOf(v);
  rows.push([
    `${s}x${s}${v.endsWith('-int8') ? ' int8' : ''}`,
    Math.min(...t).toFixed(1),
    median(t).toFixed(1),
    (base / median(t)).toFixed(2),
    ...sets.map((set) => accuracy.get(set)!.get(v)!.toFixed(3)),
    balanced(v).toFixed(3),
    `${(100 * agreement(v)).toFixed(1)}%`,
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log(`\n${everyFace.length} faces; smile vs neutral: balanced accuracy at threshold ${EXPRESSION_EMBEDDINGS[DENSENET_FER.kind].defaultThreshold}; ${rounds} rounds; intra-op threads ${values.threads ?? 'default'}; ${new Date().toISOString()}`);
await models.close();
