/**
 * How well the online identity clustering groups real faces into people. The identity embeddings
 * of the largest face in each of ../shared/fixtures faces/meds (subject = the SXXX prefix),
 * faces/london (person = the NNN prefix) and the six grid/ speaker clips (frames at 5 fps, person
 * = clip) are clustered by IncrementalDbscan, in file or frame order, at several eps and minPts;
 * prints the adjusted Rand index and purity (noise counted as singleton clusters), the identities
 * found and the noise, and the eps with the best mean ARI.
 *
 * Each face is embedded under several alignments, each a table: the five points from the 68
 * (`68`, what runs) and, where MediaPipe's Face Landmarker is provisioned, five points from its
 * mesh (`mesh-iris`: iris centres; `mesh-contour`: eye-contour means; both with nose tip 1 and
 * mouth corners 61, 291), and one test of the identity model's input contract (`68-bgr`: the same
 * crops with red and blue swapped). Then, per alignment, the ARI at eps 0.5 and how far apart the
 * same and different people lie. With --accepted, only the faces FaceQA accepts are clustered, as
 * in the live flow (the others never get an identity embedding there).
 *
 * Last, the people layer (FaceIdentities with its PersonGallery) against the bare clustering, at
 * the live defaults (eps 0.5, minPts 3), each face labelled as the live flow labels it when it is
 * seen: with a window that holds every face, and with one of 20 faces, where the clustering
 * forgets people and only the gallery can find them again; "grid returning" plays the first half
 * of each speaker's frames, then the second halves, so each comes back after the others.
 *
 *   npx tsx bench/identities.ts [--accepted]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstValueFrom, toArray } from 'rxjs';
import { alignToArcFace } from '../src/face/align.js';
import { FaceCore, type LocatedFace } from '../src/face/analyser.js';
import type { FaceMesh } from '../src/face/face-mesh.js';
import { boxHeight, boxWidth, type Point } from '../src/face/geometry.js';
import type { FivePoints } from '../src/face/landmarks.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { dot } from '../src/math/vector.js';
import { openModels } from '../src/models/index.js';
import { FaceIdentities } from '../src/online-cluster/face-identities.js';
import { IncrementalDbscan } from '../src/online-cluster/index.js';
import { ffmpegFrames, fixture } from '../test/support/fixtures.js';

const EPS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];
const MIN_PTS = [2, 3];
const GRID_FPS = 5;
/** The live default's eps (IDENTITY_DEFAULTS), where the alignments are compared pair by pair. */
const OPERATING_EPS = 0.5;
const { values: options } = parseArgs({ options: { accepted: { type: 'boolean', default: false } } });

interface LabelledFaces {
  readonly name: string;
  /** The person of each face. */
  readonly labels: string[];
  readonly faces: LocatedFace[];
  /** Pictures in which no face was found (or, with --accepted, none FaceQA accepts). */
  readonly missed: number;
}

/** The largest face in `image`, located (with its mesh where the Face Landmarker is provisioned). */
async function largestFace(core: FaceCore, image: RgbImage): Promise<LocatedFace | undefined> {
  const [detections] = await core.detect([image]);
  if (detections.length === 0) return undefined;
  const area = (d: (typeof detections)[number]) => boxWidth(d.box) * boxHeight(d.box);
  const largest = detections.reduce((a, b) => (area(b) > area(a) ? b : a));
  const [face] = await core.locate([{ frame: image, detection: largest }]);
  return face;
}

async function labelledFaces(core: FaceCore, name: string, pictures: { label: string; image: () => Promise<RgbImage> }[]): Promise<LabelledFaces> {
  const labels: string[] = [];
  const faces: LocatedFace[] = [];
  for (const { label, image } of pictures) {
    const face = await largestFace(core, await image());
    if (!face || (options.accepted && !face.quality.accepted)) continue;
    labels.push(label);
    faces.push(face);
  }
  return { name, labels, faces, missed: pictures.length - labels.length };
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
  return clips.flatMap((clip, i) => frames[i].map((frame) => ({ label: clip, image: () => Promise.resolve(frame) })));
}

/** MediaPipe's eye contours (face_mesh_connections.py FACEMESH_RIGHT_EYE, FACEMESH_LEFT_EYE): the image's left eye first. */
const EYE_CONTOURS = [
  [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173],
  [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398],
];
/** Iris centres (468: the image's left eye, 473: the right; the 10 points after the 468-point mesh). */
const IRIS_CENTRES = [[468], [473]];

/** Five ArcFace points from the mesh: eyes as given, nose tip (1), outer mouth corners (61, 291). */
function fivePointsFromMesh(mesh: FaceMesh, frame: RgbImage, eyes: number[][]): FivePoints {
  const at = (indices: readonly number[]): Point => {
    let x = 0, y = 0;
    for (const i of indices) {
      x += mesh.landmarks[3 * i] * frame.width;
      y += mesh.landmarks[3 * i + 1] * frame.height;
    }
    return [x / indices.length, y / indices.length];
  };
  return { leftEye: at(eyes[0]), rightEye: at(eyes[1]), nose: at([1]), mouthLeft: at([61]), mouthRight: at([291]) };
}

function swapRedBlue(image: RgbImage): RgbImage {
  const data = Uint8Array.from(image.data);
  for (let p = 0; p < data.length; p += 3) [data[p], data[p + 2]] = [data[p + 2], data[p]];
  return { ...image, data };
}

/** The ArcFace crop each alignment gives a face; undefined where it cannot (no mesh). */
const ALIGNMENTS: Record<string, (face: LocatedFace) => RgbImage | undefined> = {
  '68': (f) => alignToArcFace(f.frame, f.points).image,
  'mesh-iris': (f) => f.mesh && alignToArcFace(f.frame, fivePointsFromMesh(f.mesh, f.frame, IRIS_CENTRES)).image,
  'mesh-contour': (f) => f.mesh && alignToArcFace(f.frame, fivePointsFromMesh(f.mesh, f.frame, EYE_CONTOURS)).image,
  '68-bgr': (f) => swapRedBlue(alignToArcFace(f.frame, f.points).image),
};

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
    if (!counts) clusters.set(f, (counts = new Map<string, number>()));
    counts.set(truth[i], (counts.get(truth[i]) ?? 0) + 1);
  });
  return [...clusters.values()].reduce((s, counts) => s + Math.max(...counts.values()), 0) / truth.length;
}

/** The clustering's label for each face: its identity, or a singleton label for noise. */
function cluster(embeddings: Float32Array[], eps: number, minPts: number): { found: string[]; identities: number; noise: number } {
  const dbscan = new IncrementalDbscan({ dimension: embeddings[0].length, eps, minPts, capacity: embeddings.length });
  embeddings.forEach((e, i) => dbscan.insert(e, i, undefined));
  const found = dbscan.points().map((p) => (p.identity === undefined ? `noise ${p.point}` : `identity ${p.identity}`));
  return { found, identities: dbscan.identities().length, noise: found.filter((f) => f.startsWith('noise')).length };
}

/**
 * Each face's label when it is added, as the live flow gives it: by the bare clustering (its
 * cluster then, so ids die with the window), or by FaceIdentities (its person, found again by the
 * gallery). Noise is a singleton.
 */
function labelsAsSeen(embeddings: Float32Array[], capacity: number, people: boolean): { found: string[]; identities: number } {
  const dbscan = new IncrementalDbscan({ dimension: embeddings[0].length, eps: OPERATING_EPS, minPts: 3, capacity });
  const identities = new FaceIdentities(dbscan);
  const found = embeddings.map((e, i) => {
    const id = people ? (identities.add(`face ${i}`, i, e, undefined), identities.identityOf(`face ${i}`)) : dbscan.insert(e, i, undefined).identity;
    return id === undefined ? `noise ${i}` : `identity ${id}`;
  });
  return { found, identities: new Set(found.filter((f) => f.startsWith('identity'))).size };
}

/**
 * Cosine distances of same-person and different-person pairs: same-person pairs beyond eps (what
 * splits a person), different-person pairs within it (what merges two), and the share of
 * (same, different) pairs in the right order (ROC AUC).
 */
function separation(labels: string[], embeddings: Float32Array[], eps: number): { split: number; merge: number; auc: number } {
  const same: number[] = [], different: number[] = [];
  for (let a = 0; a < embeddings.length; a++) {
    for (let b = a + 1; b < embeddings.length; b++) (labels[a] === labels[b] ? same : different).push(1 - dot(embeddings[a], embeddings[b]));
  }
  different.sort((x, y) => x - y);
  let ordered = 0;
  for (const d of same) {
    let lo = 0, hi = different.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (different[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    ordered += (different.length - lo) / different.length;
  }
  return { split: same.filter((d) => d > eps).length, merge: different.filter((d) => d <= eps).length, auc: ordered / same.length };
}

const models = await openModels({}, { log: () => {} });
try {
  const core = new FaceCore(models);
  const sets = [
    await labelledFaces(core, 'meds', stills('faces/meds', (f) => f.slice(0, 4))),
    await labelledFaces(core, 'london', stills('faces/london', (f) => f.split('_')[0])),
    await labelledFaces(core, 'grid', await gridFrames()),
  ];
  for (const set of sets) {
    console.log(`${set.name}: ${set.faces.length} faces of ${new Set(set.labels).size} people (${set.missed} pictures without a face${options.accepted ? ' FaceQA accepts' : ''})`);
  }
  const embedded: Record<string, Float32Array[][]> = {};
  for (const [alignment, crop] of Object.entries(ALIGNMENTS)) {
    const crops = sets.map((set) => set.faces.map(crop));
    if (crops.some((c) => c.some((image) => image === undefined))) {
      console.log(`\n${alignment}: skipped (MediaPipe's Face Landmarker is not provisioned)`);
      continue;
    }
    embedded[alignment] = await Promise.all(crops.map((c) => models.identity.embed(c as RgbImage[])));
  }
  const summaries: string[][] = [];
  for (const [alignment, embeddings] of Object.entries(embedded)) {
    console.log(`\n== alignment ${alignment}`);
    console.log(['minPts', 'eps', ...sets.flatMap((s) => [`${s.name} ARI`, `${s.name} purity`, `${s.name} ids/noise`]), 'mean ARI'].join('\t'));
    let best = { ari: -Infinity, eps: 0, minPts: 0 };
    const operating: string[] = [];
    for (const minPts of MIN_PTS) {
      for (const eps of EPS) {
        const results = sets.map((set, s) => {
          const { found, identities, noise } = cluster(embeddings[s], eps, minPts);
          return { ari: adjustedRandIndex(set.labels, found), purity: purity(set.labels, found), identities, noise };
        });
        const meanAri = results.reduce((s, r) => s + r.ari, 0) / results.length;
        if (meanAri > best.ari) best = { ari: meanAri, eps, minPts };
        if (eps === OPERATING_EPS) operating.push(results.map((r) => r.ari.toFixed(3)).join(' / '));
        console.log(
          [minPts, eps.toFixed(2), ...results.flatMap((r) => [r.ari.toFixed(3), r.purity.toFixed(3), `${r.identities}/${r.noise}`]), meanAri.toFixed(3)].join('\t'),
        );
      }
    }
    console.log(`best mean ARI ${best.ari.toFixed(3)} at eps ${best.eps}, minPts ${best.minPts}`);
    const pairsOf = sets.map((set, s) => separation(set.labels, embeddings[s], OPERATING_EPS));
    summaries.push([alignment, ...operating, pairsOf.map((p) => `${p.split}/${p.merge}`).join(' / '), pairsOf.map((p) => p.auc.toFixed(4)).join(' / '), `${best.ari.toFixed(3)} (eps ${best.eps}, minPts ${best.minPts})`]);
  }
  console.log(`\n== alignments compared (${sets.map((s) => s.name).join(' / ')})`);
  console.log(['alignment', `ARI at eps ${OPERATING_EPS}, minPts 2`, 'minPts 3', `pairs split/merged at eps ${OPERATING_EPS}`, 'pair AUC', 'best mean ARI'].join('\t'));
  for (const row of summaries) console.log(row.join('\t'));

  const running = sets.map((set, s) => ({ name: set.name, labels: set.labels, embeddings: embedded['68'][s] }));
  const grid = running[2];
  const halves = [0, 1].flatMap((half) =>
    [...new Set(grid.labels)].flatMap((person) => {
      const own = grid.labels.flatMap((label, i) => (label === person ? [i] : []));
      const middle = Math.ceil(own.length / 2);
      return half === 0 ? own.slice(0, middle) : own.slice(middle);
    }),
  );
  running.push({ name: 'grid returning', labels: halves.map((i) => grid.labels[i]), embeddings: halves.map((i) => grid.embeddings[i]) });
  console.log(`\n== people (FaceIdentities and its gallery) against the bare clustering, eps ${OPERATING_EPS}, minPts 3, labels as seen: ARI (ids)`);
  console.log(['window', ...running.map((s) => `${s.name} clustering`), ...running.map((s) => `${s.name} people`)].join('\t'));
  for (const capacity of [Infinity, 20]) {
    const cells = [false, true].flatMap((people) =>
      running.map(({ labels, embeddings }) => {
        const { found, identities } = labelsAsSeen(embeddings, Math.min(capacity, embeddings.length), people);
        return `${adjustedRandIndex(labels, found).toFixed(3)} (${identities})`;
      }),
    );
    console.log([capacity === Infinity ? 'all' : capacity, ...cells].join('\t'));
  }
} finally {
  await models.close();
}
