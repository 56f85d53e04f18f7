/**
 * Writes expression triplets in FEC format from the shared fixtures, split by person so that a head
 * is never validated on people it was trained on:
 *
 *   OUT/train.csv            London set, training people: A smiling, B smiling, A neutral (A
 *                            neutral is the odd one), and the mirror: A neutral, B neutral, A smiling
 *   OUT/validation.csv       the same for the validation people
 *   OUT/validation-video.csv the CREMA-D man (frames of video/cremad-1001-six-emotions.mp4, a
 *                            person in no London triplet, another camera) against each London
 *                            validation person
 *   OUT/validation-same-person.csv  his own two smiles against his own neutral face: the same
 *                            person's different expressions must stay apart
 *   OUT/frames/              those video frames, as PNG
 *
 * Every box is the whole picture: the evaluator finds the face inside. Paths are absolute.
 * Usage: npx tsx scripts/fixture-triplets.ts [--fixtures DIR] [--out DIR]   (default OUT: .cache/fixture-triplets)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatFecRow, type FecFace } from '../src/expression-lab/fec.js';
import { londonPeople } from './london-people.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { fixtures: { type: 'string' }, out: { type: 'string' } } });
const fixtures = resolve(values.fixtures ?? join(ROOT, '../shared/fixtures'));
const out = resolve(values.out ?? join(ROOT, '.cache/fixture-triplets'));
mkdirSync(join(out, 'frames'), { recursive: true });

const WHOLE = { left: 0, right: 1, top: 0, bottom: 1 } as const;
const face = (image: string): FecFace => ({ image, box: WHOLE });

/** A triplet whose odd one is `odd`, written with the odd face at `position` (rows vary it). */
function row(similar: [string, string], odd: string, position: number): string {
  const faces = [face(similar[0]), face(similar[1])];
  faces.splice(position, 0, face(odd));
  return formatFecRow(faces as [FecFace, FecFace, FecFace], 'TWO_CLASS_TRIPLET', [position + 1]);
}

// London: NNN_03 neutral, NNN_08 smiling.
const { validation: validationPeople, training: trainPeople, neutral, smiling } = londonPeople(join(fixtures, 'faces/london'));

function crossPersonRows(group: readonly string[]): string[] {
  const rows: string[] = [];
  for (const a of group) {
    for (const b of group) {
      if (a === b) continue;
      rows.push(row([smiling(a), smiling(b)], neutral(a), rows.length % 3));
      rows.push(row([neutral(a), neutral(b)], smiling(a), rows.length % 3));
    }
  }
  return rows;
}

// The CREMA-D man: neutral frames from the neutral clip, smiles from the end of the happy clip.
const video = join(fixtures, 'video/cremad-1001-six-emotions.mp4');
const segments = readFileSync(join(fixtures, 'video/cremad-1001-six-emotions.segments.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .map(([, , emotion, first, last]) => ({ emotion, first: Number(first), last: Number(last) }));
const segment = (emotion: string): { first: number; last: number } => {
  const found = segments.find((s) => s.emotion === emotion);
  if (!found) throw new Error(`no ${emotion} segment in the segments CSV`);
  return found;
};
const FRAMES_PER_EXPRESSION = 5;
const neutralClip = segment('neutral'), happyClip = segment('happy');
// The smile is held over the last 30% of the happy clip; the neutral clip is neutral throughout.
const spread = (first: number, last: number): number[] => Array.from({ length: FRAMES_PER_EXPRESSION }, (_, k) => Math.round(first + ((last - first) * k) / (FRAMES_PER_EXPRESSION - 1)));
const manNeutral = spread(neutralClip.first + 5, neutralClip.last - 5);
const manSmiling = spread(Math.round(happyClip.last - 0.3 * (happyClip.last - happyClip.first)), happyClip.last);
const frameFile = (n: number): string => join(out, 'frames', `cremad-1001-f${String(n).padStart(4, '0')}.png`);
const wanted = [...manNeutral, ...manSmiling];
const select = wanted.map((n) => `eq(n\\,${n})`).join('+');
execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', video, '-vf', `select='${select}'`, '-vsync', '0', join(out, 'frames', 'tmp-%02d.png')]);
// ffmpeg numbers the selected frames in stream order.
[...wanted].sort((a, b) => a - b).forEach((n, k) => renameSync(join(out, 'frames', `tmp-${String(k + 1).padStart(2, '0')}.png`), frameFile(n)));

const videoRows: string[] = [];
for (const b of validationPeople) {
  manSmiling.forEach((s, k) => {
    const n = manNeutral[k];
    videoRows.push(row([frameFile(s), smiling(b)], frameFile(n), videoRows.length % 3));
    videoRows.push(row([frameFile(n), neutral(b)], frameFile(s), videoRows.length % 3));
  });
}
// Same person, different expression: his two smiles are closer than either is to his neutral face.
const samePersonRows: string[] = [];
for (let i = 0; i < manSmiling.length; i++) {
  for (let j = i + 1; j < manSmiling.length; j++) samePersonRows.push(row([frameFile(manSmiling[i]), frameFile(manSmiling[j])], frameFile(manNeutral[(i + j) % manNeutral.length]), samePersonRows.length % 3));
}

const files = {
  'train.csv': crossPersonRows(trainPeople),
  'validation.csv': crossPersonRows(validationPeople),
  'validation-video.csv': videoRows,
  'validation-same-person.csv': samePersonRows,
};
for (const [name, rows] of Object.entries(files)) {
  writeFileSync(join(out, name), rows.join('\n') + '\n');
  console.log(`${join(out, name)}: ${rows.length} triplets`);
}
console.log(`train people: ${trainPeople.join(' ')}\nvalidation people: ${validationPeople.join(' ')} and the CREMA-D man 1001`);
