/**
 * How well the online identity clustering groups real faces into people. The identity embeddings
 * of the largest face in each of ../shared/fixtures faces/meds (subject = the SXXX prefix),
 * faces/london (person = the NNN prefix) and the six grid/ speaker clips (frames at 5 fps, person
 * = clip) are clustered by IncrementalDbscan, in file or frame order, at several eps and minPts;
 * prints the adjusted Rand index and purity (noise counted as singleton clusters), the identities
 * found and the noise, and the eps with the best mean ARI. Run: npx tsx bench/identities.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { FaceCore } from '../src/face/analyzer.js';
import { boxHeight, boxWidth } from '../src/face/geometry.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { openModels } from '../src/models/index.js';
import { IncrementalDbscan } from '../src/online-cluster/index.js';
import { ffmpegFrames, fixture } from '../test/support/fixtures.js';

const EPS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];
const MIN_PTS = [2, 3];
const GRID_FPS = 5;

interface LabelledFaces {
  readonly name: string;
  /** The person of each face, and its identity embedding. */
  readonly labels: string[];
  readonly embeddings: Float32Array[];
  /** Pictures in which no face was found. */
  readonly missed: number;
}

/** The identity embedding of the largest face in `image`, if it has one. */
async function largestFaceEmbedding(core: FaceCore, image: RgbImage): Promise<Float32Array | undefined> {
  const [detections] = await core.detect([image]);
  if (detections.length === 0) return undefined;
  const area = (d: (typeof detections)[number]) => boxWidth(d.box) * boxHeight(d.box);
  const largest = detections.reduce((a, b) => (area(b) > area(a) ? b : a));
  const [embedding] = await core.identities(await core.locate([{ frame: image, detection: largest }]));
  return embedding;
}

async function labelledFaces(core: FaceCore, name: string, pictures: { label: string; image: () => Promise<RgbImage> }[]): Promise<LabelledFaces> {
  const labels: string[] = [];
  const embeddings: Float32Array[] = [];
  for (const { label, image } of pictures) {
    const embedding = await largestFaceEmbedding(core, await image());
    if (!embedding) continue;
    labels.push(label);
    embeddings.push(embedding);
  }
  return { name, labels, embeddings, missed: pictures.length - labels.length };
}

function stills(folder: string, personOf: (file: string) => string) {
  const dir = fixture(folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((file) => ({ label: personOf(file), image: () => readImageFile(join(dir, file)) }));
}

async function gridFrames() {
  const dir = fixture('video/grid');
  const clips = readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort();
  const frames = await Promise.all(clips.map((clip) => firstValueFrom(ffmpegFrames(join(dir, clip), GRID_FPS).pipe(toArray()))));
  return clips.flatMap((clip, i) => frames[i].map((frame) => ({ label: clip, image: async () => frame })));
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Hubert and Arabie's adjusted Rand index of two labellings of the same items. */
function adjustedRandIndex(truth: string[], found: string[]): number {
  const cells = new Map<string, number>();
  const rows = new Map<string, number>();
  const columns = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  truth.forEach((t, i) => {
    bump(cells, `${t}\u0000${found[i]}`);
    bump(rows, t);
    bump(columns, found[i]);
  });
  const sum = (map: Map<string, number>) => [...map.values()].reduce((s, n) => s + pairs(n), 0);
  const index = sum(cells);
  const expected = (sum(rows) * sum(columns)) / pairs(truth.length);
  const max = (sum(rows) + sum(columns)) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** The share of items whose cluster's most common true label is their own. */
function purity(truth: string[], found: string[]): number {
  const clusters = new Map<string, Map<string, number>>();
  found.forEach((f, i) => {
    let counts = clusters.get(f);
    if (!counts) clusters.set(f, (counts = new Map()));
    counts.set(truth[i], (counts.get(truth[i]) ?? 0) + 1);
  });
  return [...clusters.values()].reduce((s, counts) => s + Math.max(...counts.values()), 0) / truth.length;
}

/** The clustering's label for each face: its identity, or a singleton label for noise. */
function cluster(faces: LabelledFaces, eps: number, minPts: number): { found: string[]; identities: number; noise: number } {
  const dbscan = new IncrementalDbscan({ dimension: faces.embeddings[0].length, eps, minPts, capacity: faces.embeddings.length });
  faces.embeddings.forEach((e, i) => dbscan.insert(e, i, undefined));
  const found = dbscan.points().map((p) => (p.identity === undefined ? `noise ${p.point}` : `identity ${p.identity}`));
  return { found, identities: dbscan.identities().length, noise: found.filter((f) => f.startsWith('noise')).length };
}

const models = await openModels();
try {
  const core = new FaceCore(models);
  const sets = [
    await labelledFaces(core, 'meds', stills('faces/meds', (f) => f.slice(0, 4))),
    await labelledFaces(core, 'london', stills('faces/london', (f) => f.split('_')[0])),
    await labelledFaces(core, 'grid', await gridFrames()),
  ];
  for (const set of sets) {
    console.log(`${set.name}: ${set.embeddings.length} faces of ${new Set(set.labels).size} people (${set.missed} pictures without a face)`);
  }
  console.log(['minPts', 'eps', ...sets.flatMap((s) => [`${s.name} ARI`, `${s.name} purity`, `${s.name} ids/noise`]), 'mean ARI'].join('\t'));
  let best = { ari: -Infinity, eps: 0, minPts: 0 };
  for (const minPts of MIN_PTS) {
    for (const eps of EPS) {
      const results = sets.map((set) => {
        const { found, identities, noise } = cluster(set, eps, minPts);
        return { ari: adjustedRandIndex(set.labels, found), purity: purity(set.labels, found), identities, noise };
      });
      const meanAri = results.reduce((s, r) => s + r.ari, 0) / results.length;
      if (meanAri > best.ari) best = { ari: meanAri, eps, minPts };
      console.log(
        [minPts, eps.toFixed(2), ...results.flatMap((r) => [r.ari.toFixed(3), r.purity.toFixed(3), `${r.identities}/${r.noise}`]), meanAri.toFixed(3)].join('\t'),
      );
    }
  }
  console.log(`best mean ARI ${best.ari.toFixed(3)} at eps ${best.eps}, minPts ${best.minPts}`);
} finally {
  await models.close();
}
