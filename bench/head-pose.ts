/**
 * How far FaceQA's yaw candidates agree with HopeNet's, on every face of the fixture stills and
 * of two clips at 5 frames a second: perspective-n-point on the 68 landmarks (`pnp`), and, where
 * MediaPipe's Face Landmarker is provisioned, MediaPipe's facial transformation matrix from the
 * 478-point mesh read from the region the 68 points give, as the live flow reads it (`mesh`:
 * FaceQA's where provisioned), and an alternative (`m|p`: the mesh's where the landmark model
 * finds the face present, else PnP's).
 * Prints per-set agreement, how often each disagrees with HopeNet on the FaceQA verdict
 * (|yaw| > 50), every face that any of them calls turned, and the lisa set's poses.
 *
 *   npx tsx bench/head-pose.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { FaceCore } from '../src/face/analyser.js';
import { headPoseFromLandmarks } from '../src/face/head-pose.js';
import { faceTransformationMatrix, poseFromMatrix, type MatrixPose } from '../src/face/mediapipe/face-geometry.js';
import { parseGeometryMetadata } from '../src/face/mediapipe/geometry-metadata.js';
import { FACE_PRESENCE_THRESHOLD } from '../src/face/mediapipe/landmarks.js';
import { QUALITY_DEFAULTS } from '../src/face/quality.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { openModels } from '../src/models/index.js';
import type { RgbImage } from '../src/image/rgb-image.js';
import { ffmpegFrames, fixture } from '../test/support/fixtures.js';

const STILLS = ['faces/london', 'faces/meds', 'faces/lisa', 'expressions/pexels', 'expressions/cremad-frames'];
/** Clips read at VIDEO_FPS: two frontal speakers side by side (off centre), and a crowd of small faces. */
const VIDEOS = ['video/two-people-grid.mp4', 'video/event-hall.mp4'];
const VIDEO_FPS = 5;
const SETS = [...STILLS, ...VIDEOS];

async function pictures(set: string): Promise<{ file: string; image: () => Promise<RgbImage> }[]> {
  if (VIDEOS.includes(set)) {
    const frames = await firstValueFrom(ffmpegFrames(fixture(set), VIDEO_FPS).pipe(toArray()));
    return frames.map((frame, i) => ({ file: `frame ${i}`, image: () => Promise.resolve(frame) }));
  }
  const dir = fixture(set);
  return readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((file) => ({ file, image: () => readImageFile(join(dir, file)) }));
}

interface Face {
  readonly set: string;
  readonly file: string;
  readonly pnp: MatrixPose;
  readonly hopenet: MatrixPose;
  /** Undefined where the Face Landmarker (or its geometry metadata) is not provisioned. */
  readonly mesh: MatrixPose | undefined;
  readonly presence: number;
}

const models = await openModels({}, { log: () => {} });
const core = new FaceCore(models);
const geometry = models.faceMesh?.geometry && parseGeometryMetadata(models.faceMesh.geometry);
if (!geometry) console.log("MediaPipe's Face Landmarker or its geometry metadata is not provisioned (mien models fetch): no mesh column\n");
const faces: Face[] = [];
for (const set of SETS) {
  for (const { file, image: read } of await pictures(set)) {
    const image = await read();
    const [detections] = await core.detect([image]);
    const refs = detections.map((detection) => ({ frame: image, detection }));
    const [located, hopenet] = await Promise.all([core.locate(refs), core.headPose(refs)]);
    const meshes = geometry ? await core.meshes(located) : undefined;
    located.forEach((face, i) => {
      const matrix = meshes && geometry && faceTransformationMatrix(meshes[i].landmarks, image.width, image.height, geometry);
      const pnp = headPoseFromLandmarks(face.landmarks68, image.width, image.height);
      faces.push({ set, file, pnp, hopenet: hopenet[i], mesh: matrix && poseFromMatrix(matrix), presence: meshes?.[i].presence ?? NaN });
    });
  }
}
await models.close();

const turned = (yaw: number): boolean => Math.abs(yaw) > QUALITY_DEFAULTS.maxYaw;

function summary(d: number[]): string[] {
  if (d.length === 0) return ['', '', ''];
  const s = [...d].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return [at(0.5).toFixed(1), (d.reduce((a, b) => a + b, 0) / d.length).toFixed(1), at(0.9).toFixed(1)];
}

/** The alternative FaceQA did not take: the mesh's pose where the landmark model finds the face present, else PnP's. */
const meshElsePnp = (f: Face): MatrixPose => (f.mesh && f.presence > FACE_PRESENCE_THRESHOLD ? f.mesh : f.pnp);

function agreement(group: readonly Face[], angle: 'yaw' | 'pitch'): string[] {
  // PnP over every face; the mesh and m|p over those with a mesh (all of them where provisioned).
  const withMesh = group.filter((f) => f.mesh !== undefined);
  const over = (of: (f: Face) => number) => (of === pnp ? group : withMesh);
  const diff = (of: (f: Face) => number) => over(of).map((f) => Math.abs(of(f) - f.hopenet[angle]));
  const verdicts = (of: (f: Face) => number) => (over(of).length === 0 ? '' : String(over(of).filter((f) => turned(of(f)) !== turned(f.hopenet.yaw)).length));
  const sameSign = (of: (f: Face) => number) => {
    const counted = over(of).filter((f) => Math.abs(of(f)) > 5 || Math.abs(f.hopenet.yaw) > 5);
    return over(of).length === 0 ? '' : `${counted.filter((f) => Math.sign(of(f)) === Math.sign(f.hopenet.yaw)).length}/${counted.length}`;
  };
  const pnp = (f: Face) => f.pnp[angle], mesh = (f: Face) => f.mesh?.[angle] ?? NaN, qa = (f: Face) => meshElsePnp(f)[angle];
  return angle === 'yaw'
    ? [String(group.length), ...summary(diff(pnp)), ...summary(diff(mesh)), ...summary(diff(qa)), sameSign(pnp), sameSign(mesh), verdicts(pnp), verdicts(mesh), verdicts(qa)]
    : [String(group.length), ...summary(diff(pnp)), ...summary(diff(mesh)), ...summary(diff(qa))];
}

function print(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}

const groups = [...SETS.map((set) => [set, faces.filter((f) => f.set === set)] as const), ['all', faces] as const];
console.log('yaw against HopeNet, |diff| in degrees (median, mean, p90)');
print([
  ['set', 'faces', 'pnp med', 'pnp mean', 'pnp p90', 'mesh med', 'mesh mean', 'mesh p90', 'm|p med', 'm|p mean', 'm|p p90', 'pnp sign', 'mesh sign', 'pnp verdict', 'mesh verdict', 'm|p verdict'],
  ...groups.map(([name, group]) => [name, ...agreement(group, 'yaw')]),
]);
console.log('\npitch against HopeNet, |diff| in degrees');
print([['set', 'faces', 'pnp med', 'pnp mean', 'pnp p90', 'mesh med', 'mesh mean', 'mesh p90', 'm|p med', 'm|p mean', 'm|p p90'], ...groups.map(([name, group]) => [name, ...agreement(group, 'pitch')])]);

console.log(`\nfaces any estimate calls turned (|yaw| > ${QUALITY_DEFAULTS.maxYaw}), yaw in degrees:`);
print([
  ['picture', 'pnp', 'mesh', 'm|p', 'hopenet', 'mesh presence'],
  ...faces
    .filter((f) => turned(f.pnp.yaw) || turned(f.hopenet.yaw) || (f.mesh !== undefined && turned(f.mesh.yaw)))
    .map((f) => [`${f.set}/${f.file}`, f.pnp.yaw.toFixed(1), f.mesh?.yaw.toFixed(1) ?? '', meshElsePnp(f).yaw.toFixed(1), f.hopenet.yaw.toFixed(1), f.presence.toFixed(2)]),
]);
console.log('\nlisa (one person, frontal, at several distances and rolls):');
print([
  ['picture', 'pnp yaw', 'mesh yaw', 'hopenet yaw', 'pnp roll', 'mesh roll', 'hopenet roll'],
  ...faces.filter((f) => f.set === 'faces/lisa').map((f) => [f.file, f.pnp.yaw, f.mesh?.yaw ?? NaN, f.hopenet.yaw, f.pnp.roll, f.mesh?.roll ?? NaN, f.hopenet.roll].map((v) => (typeof v === 'number' ? v.toFixed(1) : v))),
]);
const absent = faces.filter((f) => !(f.presence > FACE_PRESENCE_THRESHOLD));
console.log(`\nFaceQA takes the mesh's pose where the mesh is provisioned, PnP's elsewhere. m|p: the mesh's where the landmark model finds`);
console.log(`the face present (presence > ${FACE_PRESENCE_THRESHOLD}), else PnP's (not taken: it agreed less). "verdict": faces whose`);
console.log(`FaceQA verdict (|yaw| > ${QUALITY_DEFAULTS.maxYaw}) differs from HopeNet's; "sign": agreeing signs where either exceeds 5 degrees; ${absent.length} of ${faces.length} meshes absent`);
