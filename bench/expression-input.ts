/**
 * The expression model (DenseNet-121 FER, global average pooling) on smaller inputs than the 224 px
 * it ships with: cost against accuracy on the fixtures, before any is adopted. Per input side:
 *
 * - ms per face (batch 4, the default threads), best and median of alternating rounds;
 * - with the default embedding (7 probabilities): triplet accuracy on the fixture triplets
 *   (`npx tsx scripts/fixture-triplets.ts` writes them: London validation people, the CREMA-D man
 *   against them, the man alone), and London smiles against other people's neutral photos
 *   (bench/threshold.ts's test) at the default threshold;
 * - how often the top class agrees with the 224 px model's, over every face of those sets.
 *
 * The crop is the same eye-aligned crop (eyes level, 70/224 of its width apart), warped straight
 * from the picture at the smaller size.
 *
 *   npx tsx bench/expression-input.ts [--sizes 224,160,128,112] [--rounds 5]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FaceCore, type LocatedFace } from '../src/face/analyzer.js';
import { EXPRESSION_EMBEDDING } from '../src/expression/embedding.js';
import { parseFecCsv } from '../src/expression/fec.js';
import { describeFacesInBoxes, findFecFaces, scoreFecFaces } from '../src/expression/fec-evaluation.js';
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

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '224,160,128,112' }, rounds: { type: 'string', default: '5' } } });
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TRIPLETS = join(ROOT, '.cache/fixture-triplets');
const VARIANTS = join(ROOT, '.cache/expression-input');

const models = await openModels({}, { log: () => {} });
const core = new FaceCore(models);

/** The provisioned graph with its input fixed at size x size (global pooling makes the rest follow). */
function variantPath(size: number): string {
  const source = join(ROOT, 'models', DENSENET_FER.source.file);
  if (size === DENSENET_FER.input.width) return source;
  const model = decodeModel(readFileSync(source));
  const dims = model.graph.input![0].type!.tensorType!.shape!.dim!;
  dims[2] = { dimValue: String(size) };
  dims[3] = { dimValue: String(size) };
  mkdirSync(VARIANTS, { recursive: true });
  const path = join(VARIANTS, `fr_expression_${size}.onnx`);
  writeFileSync(path, encodeModel(model));
  return path;
}

const sessions = new Map<number, ModelSession>();
for (const size of sizes) sessions.set(size, await openModelSession(variantPath(size), { log: () => {} }));

async function probabilities(size: number, crops: readonly RgbImage[]): Promise<Float32Array[]> {
  const input = { ...DENSENET_FER.input, width: size, height: size };
  const out: Float32Array[] = [];
  for (let start = 0; start < crops.length; start += 8) {
    const batch = crops.slice(start, start + 8);
    const tensor = new ort.Tensor('float32', packNchw(batch, input), [batch.length, 3, size, size]);
    const { output } = await sessions.get(size)!.run({ input: tensor }, ['output']);
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

/** Every size's 7 probabilities per face. */
type Described = Map<number, Float32Array>;
const describeFaces = async (faces: LocatedFace[]): Promise<Described[]> => {
  const bySize = new Map<number, Float32Array[]>();
  for (const size of sizes) bySize.set(size, await probabilities(size, faces.map((f) => eyeCrop(f, size))));
  return faces.map((_, i) => new Map(sizes.map((s) => [s, bySize.get(s)![i]])));
};
const everyFace: Described[] = [];
const describe = describeFacesInBoxes(core, readImageFile, async (faces: LocatedFace[]) => {
  const described = await describeFaces(faces);
  everyFace.push(...described);
  return described;
});

const sets = ['validation', 'validation-video', 'validation-same-person'];
const accuracy = new Map<string, Map<number, number>>();
for (const set of sets) {
  const { triplets } = parseFecCsv(readFileSync(join(TRIPLETS, `${set}.csv`), 'utf8'));
  const found = await findFecFaces(triplets, TRIPLETS, describe);
  accuracy.set(set, new Map(sizes.map((s) => [s, scoreFecFaces(found.triplets, (d) => l2Normalise(Float32Array.from(d.get(s)!))).accuracy])));
}

// London smiles as references against other people's smiles (should tag) and neutrals (should not).
const london = fixture('faces/london');
const people = [...new Set(readdirSync(london).filter((f) => /^\d{3}_0[38]\.jpg$/.test(f)).map((f) => f.slice(0, 3)))].sort();
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
  smiles.set(p, await largest(join(london, `${p}_08.jpg`)));
  neutrals.set(p, await largest(join(london, `${p}_03.jpg`)));
}
const balanced = (size: number): number => {
  const t = EXPRESSION_EMBEDDING.defaultThreshold;
  const e = (d: Described) => l2Normalise(Float32Array.from(d.get(size)!));
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
const agreement = (size: number) => everyFace.filter((d) => top(d.get(size)!) === top(d.get(DENSENET_FER.input.width)!)).length / everyFace.length;

// Speed: batch 4 of noise, sizes alternating so that load from elsewhere spreads over all.
const times = new Map<number, number[]>(sizes.map((s) => [s, []]));
const feeds = new Map(sizes.map((s) => [s, { input: new ort.Tensor('float32', Float32Array.from({ length: 4 * 3 * s * s }, () => Math.random()), [4, 3, s, s]) }]));
for (const s of sizes) await sessions.get(s)!.run(feeds.get(s)!);
for (let r = 0; r < rounds; r++) {
  for (const s of sizes) {
    const started = performance.now();
    await sessions.get(s)!.run(feeds.get(s)!);
    times.get(s)!.push((performance.now() - started) / 4);
  }
}

const rows = [['input', 'ms/face best', 'median', 'x 224', 'London triplets', 'video', 'same person', 'smile vs neutral', 'top class = 224']];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const base = median(times.get(DENSENET_FER.input.width) ?? times.get(sizes[0])!);
for (const s of sizes) {
  const t = times.get(s)!;
  rows.push([
    `${s}x${s}`,
    Math.min(...t).toFixed(1),
    median(t).toFixed(1),
    (base / median(t)).toFixed(2),
    ...sets.map((set) => accuracy.get(set)!.get(s)!.toFixed(3)),
    balanced(s).toFixed(3),
    `${(100 * agreement(s)).toFixed(1)}%`,
  ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log(`\n${everyFace.length} faces; smile vs neutral: balanced accuracy at threshold ${EXPRESSION_EMBEDDING.defaultThreshold}; ${rounds} rounds; ${new Date().toISOString()}`);
await models.close();
