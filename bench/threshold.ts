/**
 * Calibrates the default tag threshold of the expression embedding on the fixtures: with each
 * London person's smiling photo as the reference, other people's smiling photos should fall
 * within the threshold and their neutral photos outside it. Prints the distance distributions,
 * the threshold with the best balanced accuracy (Youden's J), and, as a check on video, how much
 * of each CREMA-D segment a London smile reference tags at that threshold.
 *
 * In the relative space (MediaPipe's Face Landmarker provisioned) a reference photo is read against
 * the population's resting face (POPULATION_REST_START: one photo of someone never seen), and each
 * other person's photos against their neutral photo, standing for their resting face as a live
 * track gives it; the video check reads the man against his own resting face, as the live flow does.
 *
 *   npx tsx bench/threshold.ts
 */
import { FaceCore, type LocatedFace } from '../src/face/analyser.js';
import { largestFace } from '../src/face/detect.js';
import { ExpressionSpace, type MeasuredExpression } from '../src/expression/expression-space.js';
import { MedianPool } from '../src/expression/median-pool.js';
import { POPULATION_REST_START } from '../src/expression/relative-embedding.js';
import { RestingFaces } from '../src/expression/resting-face.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { euclideanDistance } from '../src/math/vector.js';
import { openModels } from '../src/models/index.js';
import { fixture, videoFrameAt } from '../test/support/fixtures.js';
import { londonPeople } from '../scripts/london-people.js';

const models = await openModels({}, { log: () => {} });
const core = new FaceCore(models);
const space = ExpressionSpace.of(core);

async function locateLargestFace(image: RgbImage): Promise<LocatedFace | undefined> {
  const [faces] = await core.detect([image]);
  const best = largestFace(faces);
  return best && (await core.locate([{ frame: image, detection: best }]))[0];
}

async function measure(image: RgbImage): Promise<MeasuredExpression | undefined> {
  const face = await locateLargestFace(image);
  return face && (await space.measure([face]))[0];
}

const dir = fixture('faces/london');
const { training: people, neutral: neutralPhoto, smiling: smilingPhoto } = londonPeople(dir);
const smile = new Map<string, MeasuredExpression>(), neutral = new Map<string, MeasuredExpression>();
for (const p of people) {
  smile.set(p, (await measure(await readImageFile(smilingPhoto(p))))!);
  neutral.set(p, (await measure(await readImageFile(neutralPhoto(p))))!);
}
/** A reference photo: against the population's rest in the relative space. */
const asReference = (m: MeasuredExpression): Float32Array => space.embed(m, space.relative ? POPULATION_REST_START : undefined);
/** A face of a person whose resting face is their neutral photo. */
const asTracked = (m: MeasuredExpression, person: string): Float32Array => space.embed(m, space.relative ? neutral.get(person)!.features : undefined);
const positives: number[] = [], negatives: number[] = [];
for (const ref of people) {
  for (const other of people) {
    if (other === ref) continue;
    positives.push(euclideanDistance(asReference(smile.get(ref)!), asTracked(smile.get(other)!, other)));
    negatives.push(euclideanDistance(asReference(smile.get(ref)!), asTracked(neutral.get(other)!, other)));
  }
}
const quantiles = (d: number[]) => [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => [...d].sort((a, b) => a - b)[Math.floor(q * d.length)].toFixed(3)).join(' ');
const EMBEDDING = space.kind;
console.log(`embedding: ${EMBEDDING.name} (${EMBEDDING.dimensions}-d), default threshold now ${EMBEDDING.defaultThreshold}; London training people (${people.length})`);
console.log(`smile ref vs other people's smiles   (n=${positives.length}) quantiles 10/25/50/75/90%: ${quantiles(positives)}`);
console.log(`smile ref vs other people's neutrals (n=${negatives.length}) quantiles 10/25/50/75/90%: ${quantiles(negatives)}`);
let best = { threshold: 0, j: -1, tpr: 0, tnr: 0 };
console.log('\nthreshold  tagged smiles  untagged neutrals  balanced');
for (let t = 0.05; t <= 1.4001; t += 0.05) {
  const tpr = positives.filter((d) => d <= t).length / positives.length;
  const tnr = negatives.filter((d) => d > t).length / negatives.length;
  if (tpr + tnr - 1 > best.j) best = { threshold: t, j: tpr + tnr - 1, tpr, tnr };
  console.log(`${t.toFixed(2).padStart(9)}  ${(100 * tpr).toFixed(1).padStart(12)}%  ${(100 * tnr).toFixed(1).padStart(16)}%  ${((tpr + tnr) / 2).toFixed(3).padStart(8)}`);
}
console.log(`\nbest balanced accuracy ${((best.tpr + best.tnr) / 2).toFixed(3)} at threshold ${best.threshold.toFixed(2)} (smiles tagged ${(100 * best.tpr).toFixed(1)}%, neutrals left ${(100 * best.tnr).toFixed(1)}%)`);

// Video check: one London smile as the reference, CREMA-D 1001's six segments at 10 frames/s, pooled by
// the 3-frame median; in the relative space the man is read against his own resting face so far.
const segments = [['neutral', 0, 2.035], ['happy', 2.035, 3.904], ['sad', 3.904, 5.906], ['anger', 5.906, 8.141], ['fear', 8.141, 10.31], ['disgust', 10.31, 12.646]] as const;
const video = fixture('video/cremad-1001-six-emotions.mp4');
const reference = asReference(smile.get('002')!);
const pool = new MedianPool(3);
const rests = new RestingFaces({ start: POPULATION_REST_START });
const tagged = new Map<string, [number, number]>();
for (let t = 0.05; t < 12.6; t += 0.1) {
  const m = await measure(videoFrameAt(video, t));
  if (!m) continue;
  if (m.features) rests.observe(1, m.features);
  const e = space.embed(m, space.relative ? rests.restOf(1) : undefined);
  const segment = segments.find(([, a, b]) => t >= a && t < b)![0];
  const hit = euclideanDistance(pool.push(1, e), reference) <= best.threshold;
  const [n, k] = tagged.get(segment) ?? [0, 0];
  tagged.set(segment, [n + 1, k + (hit ? 1 : 0)]);
}
console.log(`\nCREMA-D 1001, reference london/002_08 at threshold ${best.threshold.toFixed(2)}: share of each segment tagged`);
for (const [name] of segments) {
  const [n, k] = tagged.get(name) ?? [0, 0];
  console.log(`  ${name.padEnd(8)} ${k}/${n}`);
}
await models.close();
