import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { FaceCore, LocatedFace } from '../face/analyser.js';
import { intersectionOverUnion, type Box } from '../face/geometry.js';
import type { RgbImage } from '../image/rgb-image.js';
import { cropResize } from '../image/warp.js';
import { IncrementalDbscan } from '../online-cluster/incremental-dbscan.js';
import { fecAccuracy, majorityOddOne, tripletAgrees, type FecAccuracy, type FecTriplet, type FractionBox } from './fec.js';
import { DEFAULT_REST_ESTIMATOR, restingFace } from '../expression/resting-face.js';

/**
 * Where an FEC image lives: a URL resolves to its file name under `imagesDir` (as the published
 * CSV's images are saved), a local path to itself or to `imagesDir` joined with it. Undefined
 * when the file is not there.
 */
export function resolveFecImage(image: string, imagesDir: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(image) ? new URL(image) : undefined;
  const path = url ? join(imagesDir, basename(decodeURIComponent(url.pathname))) : isAbsolute(image) ? image : join(imagesDir, image);
  return existsSync(path) ? path : undefined;
}

/** Context kept around an FEC box, as a fraction of its size per side: the detector wants some. */
const BOX_CONTEXT = 0.25;

/**
 * The face inside an FEC box: the box, widened by some context, is cut out of the picture at full
 * resolution; the face the detector finds there that overlaps the box most is located and
 * aligned. Undefined when no detected face overlaps the box.
 */
export async function locateFaceInBox(core: FaceCore, image: RgbImage, box: FractionBox): Promise<LocatedFace | undefined> {
  const x1 = box.left * image.width, x2 = box.right * image.width;
  const y1 = box.top * image.height, y2 = box.bottom * image.height;
  const mx = (x2 - x1) * BOX_CONTEXT, my = (y2 - y1) * BOX_CONTEXT;
  const cx = Math.max(0, Math.floor(x1 - mx)), cy = Math.max(0, Math.floor(y1 - my));
  const cw = Math.min(image.width, Math.ceil(x2 + mx)) - cx, ch = Math.min(image.height, Math.ceil(y2 + my)) - cy;
  const crop = cropResize(image, cx, cy, cw, ch, cw, ch);
  const [detections] = await core.detect([crop]);
  const inCrop: Box = [x1 - cx, y1 - cy, x2 - cx, y2 - cy];
  const overlaps = detections.map((d) => intersectionOverUnion(d.box, inCrop));
  const best = overlaps.indexOf(Math.max(...overlaps));
  if (best < 0 || overlaps[best] === 0) return undefined;
  const [face] = await core.locate([{ frame: crop, detection: detections[best] }]);
  return face;
}

/** A face of an FEC row: the picture it is in (resolved) and its box. */
const faceKey = (path: string, box: FractionBox): string => `${path}#${box.left},${box.right},${box.top},${box.bottom}`;

export interface FecSkips {
  /** Rows with a picture that is not under the images folder. */
  readonly missingImage: number;
  /** Rows with a box in which no face was found. */
  readonly noFace: number;
  /** Rows whose annotators are tied. */
  readonly noMajority: number;
}

/** Triplets ready to score: each face described once (`T`: its embedding, or features to try). */
export interface FecFaces<T> {
  readonly triplets: readonly { readonly triplet: FecTriplet; readonly odd: 0 | 1 | 2; readonly faces: readonly [T, T, T] }[];
  readonly skipped: FecSkips;
}

/** Describes the faces in the given boxes of one picture; undefined where there is no face. */
export type DescribePicture<T> = (path: string, boxes: readonly FractionBox[]) => Promise<(T | undefined)[]>;

/**
 * Takes each row's majority annotation, resolves its pictures and describes every distinct face
 * once, picture by picture (so a caller holds one decoded picture at a time).
 */
export async function findFecFaces<T>(triplets: readonly FecTriplet[], imagesDir: string, describePicture: DescribePicture<T>): Promise<FecFaces<T>> {
  let missingImage = 0, noMajority = 0, noFace = 0;
  const wanted: { triplet: FecTriplet; odd: 0 | 1 | 2; keys: string[] }[] = [];
  const boxesByPath = new Map<string, Map<string, FractionBox>>();
  for (const triplet of triplets) {
    const odd = majorityOddOne(triplet.annotations);
    const paths = triplet.faces.map((f) => resolveFecImage(f.image, imagesDir));
    if (odd === undefined) noMajority++;
    else if (paths.some((p) => p === undefined)) missingImage++;
    else {
      const keys = triplet.faces.map((f, k) => {
        const key = faceKey(paths[k]!, f.box);
        boxesByPath.set(paths[k]!, (boxesByPath.get(paths[k]!) ?? new Map<string, FractionBox>()).set(key, f.box));
        return key;
      });
      wanted.push({ triplet, odd, keys });
    }
  }
  const described = new Map<string, T>();
  for (const [path, boxes] of boxesByPath) {
    const descriptions = await describePicture(path, [...boxes.values()]);
    [...boxes.keys()].forEach((key, i) => {
      if (descriptions[i] !== undefined) described.set(key, descriptions[i]);
    });
  }
  const ready: FecFaces<T>['triplets'][number][] = [];
  for (const { triplet, odd, keys } of wanted) {
    const faces = keys.map((k) => described.get(k));
    if (faces.some((f) => f === undefined)) noFace++;
    else ready.push({ triplet, odd, faces: faces as [T, T, T] });
  }
  return { triplets: ready, skipped: { missingImage, noFace, noMajority } };
}

/** `DescribePicture` on real pictures: decode, find the face in each box, describe those found in one call. */
export function describeFacesInBoxes<T>(
  core: FaceCore,
  readImage: (path: string) => Promise<RgbImage>,
  describe: (faces: LocatedFace[]) => Promise<T[]>,
): DescribePicture<T> {
  return async (path, boxes) => {
    const image = await readImage(path);
    const located: (LocatedFace | undefined)[] = [];
    for (const box of boxes) located.push(await locateFaceInBox(core, image, box));
    const found = located.filter((f): f is LocatedFace => f !== undefined);
    const descriptions = await describe(found);
    let next = 0;
    return located.map((f) => (f ? descriptions[next++] : undefined));
  };
}

/** Scores the embedding `embed` gives each face description on the ready triplets. */
export function scoreFecFaces<T>(ready: FecFaces<T>['triplets'], embed: (face: T) => ArrayLike<number>): FecAccuracy {
  return fecAccuracy(ready.map(({ triplet, odd, faces }) => ({ type: triplet.type, correct: tripletAgrees([embed(faces[0]), embed(faces[1]), embed(faces[2])], odd) })));
}

/** A face of the triplets as the people mode needs it: its expression features and identity embedding. */
export interface PersonFace {
  readonly features: Float32Array;
  readonly identity: Float32Array;
}

/**
 * Each face's resting face in the people mode: the faces are grouped into people the way Mien's
 * live clustering groups them (identity embeddings, cosine distance within `eps`; with minPts 1,
 * as a set of pictures has too few faces of a person for more), in the order given, and each
 * person's resting face is estimated from their faces as live (DEFAULT_REST_ESTIMATOR: with two
 * photos, their midpoint, which flatters a pair of photos). A face alone in its group has no
 * rest of its own: it gets `population`. Returns the rest of each face, and the number of people.
 */
export function restsByPerson(faces: readonly PersonFace[], population: Float32Array, eps: number): { rests: Float32Array[]; people: number } {
  if (faces.length === 0) return { rests: [], people: 0 };
  const clustering = new IncrementalDbscan({ dimension: faces[0].identity.length, eps, minPts: 1, capacity: faces.length });
  const groupOf = faces.map((f, i) => clustering.insert(f.identity, i, undefined).point);
  const labels = groupOf.map((point) => clustering.identityOf(point));
  const members = new Map<number, number[]>();
  labels.forEach((label, i) => label !== undefined && members.set(label, [...(members.get(label) ?? []), i]));
  const rests = faces.map(() => population);
  for (const group of members.values()) {
    if (group.length < 2) continue;
    const rest = restingFace(group.map((i) => faces[i].features), DEFAULT_REST_ESTIMATOR);
    for (const i of group) rests[i] = rest;
  }
  return { rests, people: members.size };
}
