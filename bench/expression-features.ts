/**
 * Per-face expression features of the fixtures, for the person-relative embedding's benches
 * (bench/expression-relative.ts): FaceExpressionNet's 7 probabilities as Mien reads them, MediaPipe's
 * 52 blendshapes from the region Mien's 68 points give, and the identity embedding; per set, the
 * person (from the fixtures' names) and, for video, the frame's time and emotion segment.
 *
 *   npx tsx bench/expression-features.ts     (writes .cache/expression-features/features-v3.json)
 *
 * Sets: the London portraits (34 people, neutral and smiling), every frame of the CREMA-D man's six
 * emotions, and a population (MEDS mugshots, the six GRID speakers' frames): people at rest, for
 * the population's resting face, in no expression triplet.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { FaceCore } from '../src/face/analyser.js';
import { landmarkBoxCrop } from '../src/face/align.js';
import { largestFace } from '../src/face/detect.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { fileFrames } from '../src/ingest/file-source.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { FACE_EXPRESSION_NET } from '../src/models/face-expression-net.js';
import { openModels } from '../src/models/index.js';

/** face-api's own growth of the landmark box (its FaceExpressionNet's crop). */
const FACE_API_GROWTH = 0.2;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, '../shared/fixtures');
export const FEATURES_PATH = join(ROOT, '.cache/expression-features/features-v3.json');

export interface FaceFeatures {
  readonly set: 'london' | 'cremad-video' | 'population';
  readonly person: string;
  readonly source: string;
  /** Video frames: the frame's number and time, and its segment's emotion. */
  readonly frame?: number;
  readonly pts?: number;
  readonly segment?: string;
  /** FaceExpressionNet as Mien reads it by default: its landmark-box crop at three scales, averaged. */
  readonly probabilities: number[];
  /** FaceExpressionNet on face-api's own crop (the landmark box grown 0.2): one view, chosen by its authors, not on the fixtures. */
  readonly probabilitiesFaceApi: number[];
  readonly blendshapes: number[];
  readonly identity: number[];
  readonly accepted: boolean;
}

/** The features, made once and cached. */
export async function fixtureFeatures(): Promise<FaceFeatures[]> {
  try {
    return JSON.parse(readFileSync(FEATURES_PATH, 'utf8')) as FaceFeatures[];
  } catch {
    const features = await extract();
    mkdirSync(dirname(FEATURES_PATH), { recursive: true });
    writeFileSync(FEATURES_PATH, JSON.stringify(features));
    return features;
  }
}

async function extract(): Promise<FaceFeatures[]> {
  const models = await openModels({}, { log: () => {} });
  if (!models.faceMesh) throw new Error("MediaPipe's Face Landmarker is not provisioned: run scripts/setup");
  const core = new FaceCore(models);
  const out: FaceFeatures[] = [];
  const describe = async (image: RgbImage, base: Omit<FaceFeatures, 'probabilities' | 'probabilitiesFaceApi' | 'blendshapes' | 'identity' | 'accepted'>): Promise<void> => {
    const [faces] = await core.detect([image]);
    const detection = largestFace(faces);
    if (!detection) return;
    const [face] = await core.locate([{ frame: image, detection }]);
    const faceApiCrop = landmarkBoxCrop(face.frame, face.landmarks68, FACE_API_GROWTH, FACE_EXPRESSION_NET.input.width);
    const [[expression], [faceApi], meshes, [identity]] = await Promise.all([core.expressions([face]), core.expressionsOfViews([[faceApiCrop]]), core.meshes([face]), core.identities([face])]);
    out.push({
      ...base,
      probabilities: [...expression.probabilities],
      probabilitiesFaceApi: [...faceApi.probabilities],
      blendshapes: [...meshes![0].blendshapes],
      identity: [...identity],
      accepted: face.quality.accepted,
    });
  };
  try {
    const london = join(FIXTURES, 'faces/london');
    for (const file of readdirSync(london).filter((f) => /^\d{3}_0[38]\.jpg$/.test(f)).sort()) {
      await describe(await readImageFile(join(london, file)), { set: 'london', person: `london-${file.slice(0, 3)}`, source: `faces/london/${file}` });
    }
    const video = 'video/cremad-1001-six-emotions.mp4';
    const segments = readFileSync(join(FIXTURES, 'video/cremad-1001-six-emotions.segments.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const frames = await lastValueFrom(fileFrames(join(FIXTURES, video)).pipe(toArray()));
    for (const frame of frames) {
      const segment = segments.find((s) => frame.index >= Number(s[3]) && frame.index <= Number(s[4]))?.[2];
      await describe(frame, { set: 'cremad-video', person: 'cremad-1001', source: video, frame: frame.index, pts: frame.pts, segment });
    }
    const meds = join(FIXTURES, 'faces/meds');
    for (const file of readdirSync(meds).filter((f) => f.endsWith('.jpg')).sort()) {
      await describe(await readImageFile(join(meds, file)), { set: 'population', person: `meds-${file.slice(0, 4)}`, source: `faces/meds/${file}` });
    }
    for (const file of readdirSync(join(FIXTURES, 'video/grid')).sort()) {
      const clip = await lastValueFrom(fileFrames(join(FIXTURES, 'video/grid', file), { maxFps: 5 }).pipe(toArray()));
      for (const frame of clip) await describe(frame, { set: 'population', person: `grid-${file.slice(0, 6)}`, source: `video/grid/${file}`, frame: frame.index, pts: frame.pts });
    }
  } finally {
    await models.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const features = await fixtureFeatures();
  const count = (set: string) => features.filter((f) => f.set === set).length;
  console.log(`${FEATURES_PATH}: ${features.length} faces (london ${count('london')}, cremad-video ${count('cremad-video')}, population ${count('population')})`);
}
