/**
 * Decode-only throughput of file sources: frames per second Mien delivers to Node (decode, convert
 * to RGB, copy into Node, as fast as it can), beside gst-launch running the same pipeline with a
 * fakesink instead of Node, on the same clip in the same run. Then what rate control saves: the
 * same files at maxFps 5 and maxWidth 640, in video seconds per wall-clock second.
 *
 *   npx tsx bench/ingest/throughput.ts [--rounds N]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { fileFrames, fileSourcePlan } from '../../src/ingest/file-source.js';
import type { RateControl } from '../../src/ingest/output-chain.js';
import { gstLaunch, makeClips, printTable, VIDEOS } from './clips.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const clips = makeClips();
const sources: [string, string][] = [
  ['mp4 H.264 480x360, 12.6 s', join(VIDEOS, 'cremad-1001-six-emotions.mp4')],
  ['mp4 H.264 1280x720, 38 s', clips.hd],
  ['flv VP6 480x360, 2.2 s', join(VIDEOS, 'cremad/1001_DFA_ANG_XX.flv')],
  ['MPEG-PS MPEG-1 360x288, 3 s', clips.mpegPs],
];

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];

async function mienRun(path: string, rate: RateControl): Promise<{ frames: number; seconds: number; videoSeconds: number }> {
  const started = process.hrtime.bigint();
  const frames = await lastValueFrom(fileFrames(path, rate).pipe(toArray()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { frames: frames.length, seconds, videoSeconds: (frames.at(-1)?.pts ?? 0) - (frames[0]?.pts ?? 0) };
}

const rows = [['source', 'rate control', 'frames', 'Mien fps', 'gst-launch fps', 'Mien / gst-launch', 'x real time']];
for (const [name, path] of sources) {
  for (const rate of [{}, { maxFps: 5, maxWidth: 640 }] as RateControl[]) {
    await mienRun(path, rate);
    const runs = [];
    for (let r = 0; r < rounds; r++) runs.push(await mienRun(path, rate));
    const seconds = median(runs.map((run) => run.seconds));
    const { frames, videoSeconds } = runs[0];
    const gstSeconds = median(Array.from({ length: rounds }, () => gstLaunch(fileSourcePlan(path, rate)).seconds));
    const label = rate.maxFps === undefined ? 'none' : `${rate.maxFps} fps, <= ${rate.maxWidth} px`;
    rows.push([name, label, String(frames), (frames / seconds).toFixed(0), (frames / gstSeconds).toFixed(0), `${(gstSeconds / seconds).toFixed(2)}x`, `${(videoSeconds / seconds).toFixed(1)}x`]);
  }
}
printTable(rows);
console.log(`\nmedian of ${rounds} runs after one warm-up, both in the same run; ${new Date().toISOString()}`);
