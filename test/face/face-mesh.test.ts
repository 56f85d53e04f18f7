import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshImage, type FaceMesh } from '../../src/face/face-mesh.js';
import { BLENDSHAPE_NAMES } from '../../src/face/mediapipe/blendshape-names.js';
import { faceTransformationMatrix, poseFromMatrix } from '../../src/face/mediapipe/face-geometry.js';
import { parseGeometryMetadata, type FaceGeometryMetadata } from '../../src/face/mediapipe/geometry-metadata.js';
import type { RgbImage } from '../../src/image/rgb-image.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { FaceLandmarkerModel } from '../../src/models/face-landmarker.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { fixture } from '../support/fixtures.js';
import { MediapipeWebRuntime, type WebFace, type WebLandmarkerResult } from '../support/mediapipe-web.js';

/**
 * Mien's MediaPipe Face Landmarker (the TFLite graphs converted to ONNX, and MediaPipe's pre- and
 * post-processing ported in src/face/mediapipe/) against MediaPipe's own web runtime, IMAGE mode,
 * on every fixture face: both see the same decoded pixels.
 */

const TASK = fileURLToPath(new URL('../../../shared/models/face_landmarker.task', import.meta.url));

/** Every fixture picture of faces: folder and which of its files. */
const SETS: readonly { dir: string; pattern: RegExp }[] = [
  { dir: 'faces/london', pattern: /\.jpg$/ },
  { dir: 'faces/meds', pattern: /\.jpg$/ },
  { dir: 'faces/lisa', pattern: /\.jpg$/ },
  { dir: 'faces', pattern: /^astronaut\.png$/ },
  { dir: 'expressions/cremad-frames', pattern: /\.jpg$/ },
];

/** Landmark x, y distance, in the picture's pixels. */
const MAX_LANDMARK_PX = 1;
/** Blendshape score difference. */
const MAX_BLENDSHAPE = 0.02;
/**
 * Facial transformation matrix from the web runtime's own landmarks against its matrix: largest
 * element difference (rotation-and-scale unitless, translation in centimetres). MediaPipe computes
 * in float32, Mien in float64.
 */
const MAX_MATRIX_SAME_LANDMARKS = 1e-3;
/** The same from Mien's mesh: yaw, pitch and roll within this many degrees of the web runtime's matrix's. */
const MAX_POSE_DEGREES = 0.5;

interface Picture {
  /** The fixture folder it comes from. */
  readonly set: string;
  readonly name: string;
  readonly image: RgbImage;
}

interface FaceComparison {
  readonly picture: string;
  /** Largest landmark distance in pixels, and which landmark. */
  readonly landmarkPx: number;
  readonly landmark: number;
  readonly meanPx: number;
  /** Largest blendshape difference, and which blendshape. */
  readonly blendshape: number;
  readonly blendshapeName: string;
}

function compareFace(picture: Picture, ours: FaceMesh, theirs: WebFace): FaceComparison {
  const { width, height } = picture.image;
  let landmarkPx = 0, landmark = -1, sum = 0;
  theirs.landmarks.forEach((p, i) => {
    const d = Math.hypot((ours.landmarks[3 * i] - p.x) * width, (ours.landmarks[3 * i + 1] - p.y) * height);
    sum += d;
    if (!(d <= landmarkPx)) [landmarkPx, landmark] = [d, i]; // NaN counts as worst
  });
  let blendshape = 0, worstBlendshape = -1;
  theirs.blendshapes.forEach((b, i) => {
    const d = Math.abs(ours.blendshapes[i] - b.score);
    if (!(d <= blendshape)) [blendshape, worstBlendshape] = [d, i];
  });
  const blendshapeName = BLENDSHAPE_NAMES[worstBlendshape] ?? 'none';
  return { picture: picture.name, landmarkPx, landmark, meanPx: sum / theirs.landmarks.length, blendshape, blendshapeName };
}

/** Pairs each of our faces with the web runtime's nearest one (nose tip, landmark 1). */
function pairFaces(ours: readonly FaceMesh[], theirs: readonly WebFace[]): [FaceMesh, WebFace][] {
  const left = [...theirs];
  return ours.map((face) => {
    const distance = (w: WebFace): number => Math.hypot(w.landmarks[1].x - face.landmarks[3], w.landmarks[1].y - face.landmarks[4]);
    const best = left.reduce((a, b) => (distance(b) < distance(a) ? b : a));
    left.splice(left.indexOf(best), 1);
    return [face, best];
  });
}

describe("the MediaPipe Face Landmarker port against MediaPipe's web runtime", () => {
  let model: FaceLandmarkerModel | undefined;
  let runtime: MediapipeWebRuntime | undefined;
  let pictures: Picture[];
  let web: WebLandmarkerResult[];
  let ours: FaceMesh[][];
  let geometry: FaceGeometryMetadata;

  beforeAll(async () => {
    const names = SETS.flatMap(({ dir, pattern }) =>
      readdirSync(fixture(dir)).filter((f) => pattern.test(f)).sort().map((f) => ({ set: dir, name: `${dir}/${f}` })),
    );
    pictures = await Promise.all(names.map(async ({ set, name }) => ({ set, name, image: await readImageFile(fixture(name)) })));
    // A worker thread for ONNX Runtime, so that Node's event loop keeps serving Chromium meanwhile.
    model = await FaceLandmarkerModel.open(defaultModelsDir(), { thread: 'worker', log: () => {} });
    if (!model) throw new Error(`no converted Face Landmarker in ${defaultModelsDir()}: run scripts/setup (mien models fetch)`);
    if (!model.geometry) throw new Error(`no face geometry metadata in ${defaultModelsDir()}: run mien models fetch`);
    geometry = parseGeometryMetadata(model.geometry);
    runtime = await MediapipeWebRuntime.start(TASK);
    const numFaces = runtime.options.numFaces;
    const mesh = async (m: FaceLandmarkerModel): Promise<FaceMesh[][]> => {
      const out: FaceMesh[][] = [];
      for (const { image } of pictures) out.push(await meshImage(m, image, numFaces));
      return out;
    };
    [web, ours] = await Promise.all([runtime.faceLandmarks(pictures.map((p) => p.image)), mesh(model)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([runtime?.close(), model?.close()]);
  });

  it('covers every fixture set', () => {
    for (const { dir } of SETS) expect(pictures.filter((p) => p.set === dir).length, dir).toBeGreaterThan(0);
    expect(web.reduce((n, r) => n + r.faces.length, 0)).toBeGreaterThan(100);
  });

  it('finds as many faces as MediaPipe in every picture', () => {
    const counts = pictures.map((p, i) => `${p.name}: ${ours[i].length} (MediaPipe ${web[i].faces.length})`);
    expect(counts.filter((_, i) => ours[i].length !== web[i].faces.length)).toEqual([]);
  });

  it(`puts every landmark within ${MAX_LANDMARK_PX} px and every blendshape within ${MAX_BLENDSHAPE} of MediaPipe's`, () => {
    const faces = pictures.flatMap((p, i) => pairFaces(ours[i], web[i].faces).map(([o, w]) => compareFace(p, o, w)));
    const worstPx = faces.reduce((a, b) => (b.landmarkPx > a.landmarkPx ? b : a));
    const worstBs = faces.reduce((a, b) => (b.blendshape > a.blendshape ? b : a));
    const meanPx = faces.reduce((s, f) => s + f.meanPx, 0) / faces.length;
    console.log(
      `face mesh vs MediaPipe web, ${faces.length} faces in ${pictures.length} pictures: ` +
        `worst landmark ${worstPx.landmarkPx.toFixed(3)} px (${worstPx.picture}, point ${worstPx.landmark}), mean ${meanPx.toFixed(4)} px; ` +
        `worst blendshape ${worstBs.blendshape.toFixed(4)} (${worstBs.picture}, ${worstBs.blendshapeName})`,
    );
    const failures = faces
      .filter((f) => !(f.landmarkPx <= MAX_LANDMARK_PX && f.blendshape <= MAX_BLENDSHAPE))
      .map((f) => `${f.picture}: landmark ${f.landmark} off by ${f.landmarkPx.toFixed(3)} px, ${f.blendshapeName} by ${f.blendshape.toFixed(4)}`);
    expect(failures).toEqual([]);
  });

  it(`computes MediaPipe's facial transformation matrix: within ${MAX_MATRIX_SAME_LANDMARKS} from its landmarks, pose within ${MAX_POSE_DEGREES} degrees from Mien's mesh`, () => {
    const failures: string[] = [];
    let worstSame = 0, worstPose = 0, faces = 0;
    pictures.forEach((p, i) => {
      for (const [o, w] of pairFaces(ours[i], web[i].faces)) {
        faces++;
        const theirs = w.transformationMatrix.data;
        const fromTheirLandmarks = faceTransformationMatrix(w.landmarks.flatMap((l) => [l.x, l.y, l.z]), p.image.width, p.image.height, geometry);
        const fromOurMesh = faceTransformationMatrix(o.landmarks, p.image.width, p.image.height, geometry);
        if (!fromTheirLandmarks || !fromOurMesh) {
          failures.push(`${p.name}: no matrix`);
          continue;
        }
        const same = Math.max(...theirs.map((v, k) => Math.abs(v - fromTheirLandmarks[k])));
        const [a, b] = [poseFromMatrix(Float64Array.from(theirs)), poseFromMatrix(fromOurMesh)];
        const pose = Math.max(Math.abs(a.yaw - b.yaw), Math.abs(a.pitch - b.pitch), Math.abs(a.roll - b.roll));
        worstSame = Math.max(worstSame, same);
        worstPose = Math.max(worstPose, pose);
        if (!(same <= MAX_MATRIX_SAME_LANDMARKS && pose <= MAX_POSE_DEGREES)) failures.push(`${p.name}: matrix off by ${same.toExponential(2)}, pose by ${pose.toFixed(3)} degrees`);
      }
    });
    console.log(`facial transformation matrix vs MediaPipe web, ${faces} faces: worst element ${worstSame.toExponential(2)} from its landmarks; worst angle ${worstPose.toFixed(3)} degrees from Mien's mesh`);
    expect(failures).toEqual([]);
  });
});
