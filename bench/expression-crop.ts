/**
 * How FaceExpressionNet's cross-person triplet accuracy depends on the scale of its crop (the 68
 * landmarks' box grown by g, padded black to a square), alone and averaged over neighbouring
 * scales, and an honest estimate of choosing the scale from data: nested 5-fold cross-validation
 * over the London people, each fold scored with the variant best on the other folds' people.
 *
 *   npx tsx scripts/fixture-triplets.ts && npx tsx bench/expression-crop.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { majorityOddOne, parseFecCsv, tripletAgrees } from '../src/expression-lab/fec.js';
import { FaceCore, type LocatedFace } from '../src/face/analyser.js';
import { landmarkBoxCrop } from '../src/face/align.js';
import { largestFace } from '../src/face/detect.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { l2Normalise } from '../src/math/vector.js';
import { FACE_EXPRESSION_NET } from '../src/models/face-expression-net.js';
import { meanExpressionOutputs } from '../src/models/expression.js';
import { openModels } from '../src/models/index.js';
import { fixture } from '../test/support/fixtures.js';
import { londonPeople } from '../scripts/london-people.js';
import { crossPersonAccuracy } from './cross-person.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const models = await openModels({ expressionModel: FACE_EXPRESSION_NET.kind }, { log: () => {} });
const core = new FaceCore(models);

async function locate(path: string): Promise<LocatedFace> {
  const image = await readImageFile(path);
  const [detections] = await core.detect([image]);
  const detection = largestFace(detections);
  if (!detection) throw new Error(`no face in ${path}`);
  return (await core.locate([{ frame: image, detection }]))[0];
}

const london = fixture('faces/london');
const { all: people, validation, training } = londonPeople(london);
const faces = new Map<string, LocatedFace>();
for (const p of people) for (const e of ['03', '08']) faces.set(`${p}_${e}`, await locate(join(london, `${p}_${e}.jpg`)));

// The CREMA-D man against the validation people, as bench/expression.ts scores him.
const videoTriplets = parseFecCsv(readFileSync(join(ROOT, '.cache/fixture-triplets/validation-video.csv'), 'utf8')).triplets;
const keyOf = (path: string): string => /london\/(\d{3}_0[38])\.jpg$/.exec(path)?.[1] ?? path;
for (const t of videoTriplets) for (const f of t.faces) if (!faces.has(keyOf(f.image))) faces.set(keyOf(f.image), await locate(f.image));

type Embeddings = Map<string, Float32Array>;

const photosOf = (p: string): { neutral: string; smiling: string } => ({ neutral: `${p}_03`, smiling: `${p}_08` });
const accuracy = (group: readonly string[], e: Embeddings): number => crossPersonAccuracy(group, photosOf, (key) => e.get(key)!);

function videoAccuracy(e: Embeddings): number {
  const right = videoTriplets.filter((t) => tripletAgrees(t.faces.map((f) => e.get(keyOf(f.image))!) as [Float32Array, Float32Array, Float32Array], majorityOddOne(t.annotations)!));
  return right.length / videoTriplets.length;
}

async function embed(growths: readonly number[]): Promise<Embeddings> {
  const out: Embeddings = new Map();
  for (const [key, face] of faces) {
    const views: RgbImage[] = growths.map((g) => landmarkBoxCrop(face.frame, face.landmarks68, g, FACE_EXPRESSION_NET.input.width));
    out.set(key, l2Normalise(Float32Array.from(meanExpressionOutputs(await models.expression.analyse(views)).probabilities)));
  }
  return out;
}

const variants: [string, number[]][] = [
  ...[0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5].map((g): [string, number[]] => [`growth ${g}`, [g]]),
  ['growths 0.1 to 0.5, step 0.05', [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]],
  ['growths 0.15/0.2/0.25', [0.15, 0.2, 0.25]],
  ['growths 0.3/0.35/0.4', [0.3, 0.35, 0.4]],
  ['growths 0.35/0.4/0.45', [0.35, 0.4, 0.45]],
];
const embeddings = new Map<string, Embeddings>();
console.log(`${people.length} London people (${validation.length} validation, ${training.length} training); ${videoTriplets.length} video triplets\n`);
console.log(`| crop (FaceExpressionNet, probabilities averaged over the views) | training people | validation people | video | all ${people.length} |`);
console.log('|---|---|---|---|---|');
for (const [name, growths] of variants) {
  const e = await embed(growths);
  embeddings.set(name, e);
  const shown = growths.join('/') === FACE_EXPRESSION_NET.crop.growths.join('/') ? `${name} (the default)` : name;
  console.log(`| ${shown} | ${accuracy(training, e).toFixed(3)} | ${accuracy(validation, e).toFixed(3)} | ${videoAccuracy(e).toFixed(3)} | ${accuracy(people, e).toFixed(3)} |`);
}

const folds = [0, 1, 2, 3, 4].map((k) => people.filter((_, i) => i % 5 === k));
const faceApi = embeddings.get('growth 0.2')!;
let picked = 0, fixed = 0;
console.log('\nnested 5-fold over people: the variant best on the other folds, scored on the held-out one');
for (const [k, fold] of folds.entries()) {
  const rest = people.filter((p) => !fold.includes(p));
  const [best] = [...embeddings].sort((a, b) => accuracy(rest, b[1]) - accuracy(rest, a[1]))[0];
  const score = accuracy(fold, embeddings.get(best)!), base = accuracy(fold, faceApi);
  picked += score / folds.length;
  fixed += base / folds.length;
  console.log(`  fold ${k + 1}: ${best} -> ${score.toFixed(3)} (face-api's growth 0.2: ${base.toFixed(3)})`);
}
console.log(`  mean: scale chosen per fold ${picked.toFixed(3)}; face-api's growth 0.2 throughout ${fixed.toFixed(3)}`);
await models.close();
