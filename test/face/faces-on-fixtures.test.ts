import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseImage } from '../../src/cli/image-analysis.js';
import { ExpressionSpace } from '../../src/expression/expression-space.js';
import { EYE_CROP_EYES, mapPoint } from '../../src/face/align.js';
import { FaceCore } from '../../src/face/analyser.js';
import type { FaceMeshModel } from '../../src/face/face-mesh.js';
import { headPoseFromLandmarks } from '../../src/face/head-pose.js';
import type { Affine } from '../../src/image/affine.js';
import { createRgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { warpAffine } from '../../src/image/warp.js';
import { decodeImage, readImageFile } from '../../src/ingest/image-file.js';
import { dot } from '../../src/math/vector.js';
import { openModels, type OpenedModels } from '../../src/models/index.js';
import { fixture, videoFrameAt } from '../support/fixtures.js';

let models: OpenedModels;
let core: FaceCore;
/** The same core without the Face Landmarker: FaceQA's pose by PnP on the 68 points, its fallback. */
let pnpCore: FaceCore;

beforeAll(async () => {
  models = await openModels({}, { log: () => {} });
  if (!models.faceMesh?.geometry) throw new Error("MediaPipe's Face Landmarker and its geometry metadata are not provisioned: run mien models fetch");
  core = new FaceCore(models);
  pnpCore = new FaceCore({ ...models, faceMesh: undefined });
});

const coreWith = (pose: string): FaceCore => (pose === 'mesh' ? core : pnpCore);

afterAll(() => models?.close());

async function blurred(path: string, sigma: number): Promise<RgbImage> {
  return decodeImage(await sharp(path).blur(sigma).png().toBuffer());
}

describe('the face core on real pictures', () => {
  it.each(['mesh', 'PnP'])('finds the astronaut: one frontal, sharp, accepted, happy face (head pose by %s)', async (pose) => {
    const faces = await analyseImage(ExpressionSpace.of(coreWith(pose)), await readImageFile(fixture('faces/astronaut.png')));
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(Math.abs(face.quality.yaw)).toBeLessThan(15);
    expect(face.quality.sharpness).toBeGreaterThan(3);
    expect(face.quality).toMatchObject({ accepted: true, reasons: [] });
    expect(face.top[0][0]).toBe('happy');
    // The face is in the upper middle of the portrait.
    expect(face.box[0]).toBeGreaterThan(150);
    expect(face.box[2]).toBeLessThan(300);
  });

  it('finds both speakers in a frame of two-people-grid.mp4, one on each side', async () => {
    const frame = videoFrameAt(fixture('video/two-people-grid.mp4'), 1.0);
    const [faces] = await core.detect([frame]);
    expect(faces).toHaveLength(2);
    const centres = faces.map((f) => (f.box[0] + f.box[2]) / 2).sort((a, b) => a - b);
    expect(centres[0]).toBeLessThan(frame.width / 2);
    expect(centres[1]).toBeGreaterThan(frame.width / 2);
  });

  it('tells the London people apart: each person\'s neutral and smiling photos are closer than any two people', async () => {
    const dir = fixture('faces/london');
    const people = [...new Set(readdirSync(dir).filter((f) => /^\d{3}_0[38]\.jpg$/.test(f)).map((f) => f.slice(0, 3)))].sort();
    expect(people.length).toBe(34);
    const embeddings = new Map<string, Float32Array[]>();
    for (const person of people) {
      const photos = await Promise.all(['03', '08'].map((e) => readImageFile(`${dir}/${person}_${e}.jpg`)));
      const faces = await Promise.all(photos.map(async (p) => (await analyseImage(ExpressionSpace.of(core), p, { embeddings: true }))[0]));
      embeddings.set(person, faces.map((f) => f.identityEmbedding!));
    }
    let separated = 0;
    for (const person of people) {
      const [neutral, smiling] = embeddings.get(person)!;
      const same = dot(neutral, smiling);
      const closestOther = Math.max(...people.filter((p) => p !== person).flatMap((p) => embeddings.get(p)!.flatMap((e) => [dot(neutral, e), dot(smiling, e)])));
      if (same > closestOther) separated++;
    }
    expect(separated).toBeGreaterThanOrEqual(30);
  });

  it('rejects a Gaussian-blurred copy of a sharp face for blur, and accepts the original', async () => {
    const path = fixture('faces/london/001_03.jpg');
    const [sharpFace] = await analyseImage(ExpressionSpace.of(core), await readImageFile(path));
    const [blurredFace] = await analyseImage(ExpressionSpace.of(core), await blurred(path, 3));
    expect(sharpFace.quality.accepted).toBe(true);
    expect(blurredFace.quality.accepted).toBe(false);
    expect(blurredFace.quality.reasons).toContain('blur');
    expect(blurredFace.quality.sharpness).toBeLessThan(sharpFace.quality.sharpness / 2);
  });

  it.each(['mesh', 'PnP'])('rejects a face in profile for its yaw (head pose by %s)', async (pose) => {
    // MEDS keeps a profile shot beside some subjects' frontal photos.
    const faces = await analyseImage(ExpressionSpace.of(coreWith(pose)), await readImageFile(fixture('faces/meds/S027-01-t10_02.jpg')));
    expect(faces.length).toBeGreaterThanOrEqual(1);
    expect(faces[0].quality.reasons).toContain('yaw');
  });

  it('reads each face\'s mesh once: in locate where the geometry metadata is there, else when the expression step asks', async () => {
    const image = await readImageFile(fixture('faces/astronaut.png'));
    const [[detection]] = await core.detect([image]);
    let read = 0;
    const counting = (geometry: Uint8Array | undefined): FaceMeshModel => ({
      detect: (inputs) => models.faceMesh!.detect(inputs),
      mesh: (crops) => ((read += crops.length), models.faceMesh!.mesh(crops)),
      blendshapes: (points) => models.faceMesh!.blendshapes(points),
      geometry,
    });
    const withPose = new FaceCore({ ...models, faceMesh: counting(models.faceMesh!.geometry) });
    const [face] = await withPose.locate([{ frame: image, detection }]);
    expect(read).toBe(1);
    expect((await withPose.meshes([face]))![0]).toBe(face.mesh);
    expect(read).toBe(1);

    read = 0;
    const withoutPose = new FaceCore({ ...models, faceMesh: counting(undefined) });
    const [plain] = await withoutPose.locate([{ frame: image, detection }]);
    expect(read).toBe(0);
    expect(plain.mesh).toBeUndefined();
    expect(plain.quality.yaw).toBeCloseTo(headPoseFromLandmarks(plain.landmarks68, image.width, image.height).yaw, 9);
    await withoutPose.meshes([plain]);
    expect(read).toBe(1);
  });

  it("reads the lisa set's frontal faces as frontal from the mesh (PnP read one as turned by 10 degrees)", async () => {
    const dir = fixture('faces/lisa');
    const yaws: number[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jpg'))) {
      const image = await readImageFile(`${dir}/${file}`);
      const [[detection]] = await core.detect([image]);
      const [face] = await core.locate([{ frame: image, detection }]);
      expect(face.mesh).toBeDefined();
      yaws.push(Math.abs(face.quality.yaw));
    }
    expect(yaws).toHaveLength(8);
    // Measured worst 3.3 degrees (bench/head-pose.ts); PnP's worst is 10.5.
    expect(Math.max(...yaws)).toBeLessThan(5);
  });

  it('aligns faces turned 30 degrees in the image plane with the eyes on their template positions', async () => {
    const names = ['astronaut.png', 'london/001_03.jpg', 'london/005_08.jpg', 'london/012_03.jpg', 'london/020_08.jpg', 'london/030_08.jpg', 'london/036_03.jpg', 'lisa/lisa3.jpg'];
    const errors: number[] = [];
    for (const name of names) {
      const image = await readImageFile(fixture(`faces/${name}`));
      const [[upright]] = await core.detect([image]);
      const [reference] = await core.locate([{ frame: image, detection: upright }]);
      for (const degrees of [30, -30]) {
        const turn = rotationAboutCentre(image, degrees);
        const turned = warpAffine(image, turn, image.width, image.height);
        const [[detection]] = await core.detect([turned]);
        const [face] = await core.locate([{ frame: turned, detection }]);
        expect(Math.abs(face.quality.roll - reference.quality.roll - degrees)).toBeLessThan(5);
        // Where the eyes truly are in the turned picture, mapped into the aligned crop.
        [reference.points.leftEye, reference.points.rightEye].forEach((eye, k) => {
          const [x, y] = mapPoint(face.eyeCrop.transform, mapPoint(turn, eye));
          errors.push(Math.hypot(x - EYE_CROP_EYES[k][0], y - EYE_CROP_EYES[k][1]));
        });
      }
    }
    errors.sort((a, b) => a - b);
    // Eyes are 70 px apart in the crop; the median eye lands within 2 px, the worst within 5.
    expect(errors[errors.length >> 1]).toBeLessThan(2);
    expect(errors[errors.length - 1]).toBeLessThan(5);
  });

  it('finds no face in a picture without one', async () => {
    const landscape = createRgbImage(320, 240);
    for (let i = 0; i < 320 * 240; i++) landscape.data.set([60 + (i % 320) / 4, 120, 200 - Math.floor(i / 320) / 2], 3 * i);
    expect(await analyseImage(ExpressionSpace.of(core), landscape)).toEqual([]);
  });
});

describe('reading pictures', () => {
  it('refuses a text file and a truncated JPEG with a clear error', async () => {
    await expect(decodeImage(new TextEncoder().encode('not a picture'), 'notes.txt')).rejects.toThrow(/notes\.txt: not a picture Mien can read/);
    const jpeg = await sharp(fixture('faces/astronaut.png')).jpeg().toBuffer();
    await expect(decodeImage(jpeg.subarray(0, jpeg.length / 3), 'cut.jpg')).rejects.toThrow(/cut\.jpg: not a picture/);
    await expect(readImageFile('/nonexistent/face.jpg')).rejects.toThrow(/cannot open \(ENOENT\)/);
  });
});

function rotationAboutCentre(image: RgbImage, degrees: number): Affine {
  const a = (degrees * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  const cx = image.width / 2, cy = image.height / 2;
  return [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy];
}
