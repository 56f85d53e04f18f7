/**
 * How far FaceQA's yaw (perspective-n-point on the 68 landmarks) agrees with HopeNet's, on every
 * face of the fixture stills. Prints per-set agreement and how often the two disagree on the
 * FaceQA verdict (|yaw| > 50).
 *
 *   npx tsx bench/head-pose.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaceCore } from '../src/face/analyzer.js';
import { QUALITY_DEFAULTS } from '../src/face/quality.js';
import { readImageFile } from '../src/ingest/image-file.js';
import { openModels } from '../src/models/index.js';
import { fixture } from '../test/support/fixtures.js';

const SETS = ['faces/london', 'faces/meds', 'faces/lisa', 'expressions/pexels', 'expressions/cremad-frames'];

const models = await openModels({}, { log: () => {} });
const core = new FaceCore(models);
const rows: string[][] = [['set', 'faces', 'median |diff|', 'mean |diff|', 'p90 |diff|', 'same sign', 'verdict differs']];
const all: number[] = [];
for (const set of SETS) {
  const dir = fixture(set);
  const diffs: number[] = [];
  let sameSign = 0, verdictDiffers = 0, counted = 0;
  for (const file of readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort()) {
    const image = await readImageFile(join(dir, file));
    const [detections] = await core.detect([image]);
    const refs = detections.map((detection) => ({ frame: image, detection }));
    const [located, hopenet] = await Promise.all([core.locate(refs), core.headPose(refs)]);
    located.forEach((face, i) => {
      const pnp = face.quality.yaw, other = hopenet[i].yaw;
      diffs.push(Math.abs(pnp - other));
      if (Math.abs(pnp) > 5 || Math.abs(other) > 5) {
        counted++;
        if (Math.sign(pnp) === Math.sign(other)) sameSign++;
      }
      if (Math.abs(pnp) > QUALITY_DEFAULTS.maxYaw !== Math.abs(other) > QUALITY_DEFAULTS.maxYaw) verdictDiffers++;
    });
  }
  all.push(...diffs);
  rows.push([set, ...summary(diffs), `${sameSign}/${counted}`, String(verdictDiffers)]);
}
rows.push(['all', ...summary(all), '', '']);
await models.close();

function summary(d: number[]): string[] {
  const s = [...d].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return [String(d.length), at(0.5).toFixed(1), (d.reduce((a, b) => a + b, 0) / d.length).toFixed(1), at(0.9).toFixed(1)];
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log('\nyaw in degrees; "same sign" counts faces where either estimate exceeds 5 degrees');
