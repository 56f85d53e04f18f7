import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { PipelinePlan } from '../../src/ingest/pipeline-plan.js';

/** ../shared/fixtures/video beside the checkout: benchmarks read it, the product never does. */
export const VIDEOS = fileURLToPath(new URL('../../../shared/fixtures/video/', import.meta.url));

/** Clips the fixtures lack, made with Debian's ffmpeg in a scratch directory. */
export function makeClips(): { hd: string; mpegPs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mien-bench-ingest-'));
  const hd = join(dir, 'cremad-720p-38s.mp4');
  const mpegPs = join(dir, 'grid-mpeg1-mp2.mpg');
  // 720p H.264 + AAC, the six-emotions clip three times over (38 s): a camera-like load.
  execFileSync('ffmpeg', ['-v', 'error', '-stream_loop', '2', '-i', join(VIDEOS, 'cremad-1001-six-emotions.mp4'), '-vf', 'scale=1280:720', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-c:a', 'aac', hd]);
  execFileSync('ffmpeg', ['-v', 'error', '-i', join(VIDEOS, 'grid/bbaf2n.mp4'), '-c:v', 'mpeg1video', '-q:v', '4', '-c:a', 'mp2', '-f', 'mpeg', mpegPs]);
  return { hd, mpegPs };
}

/**
 * How long GStreamer's own gst-launch runs a plan, its appsink replaced by a fakesink: wall-clock
 * seconds as it reports them ("Execution ended after ...", start-up excluded) and the CPU seconds
 * its process used. Each property is one argument, which gst-launch escapes as a whole.
 */
export function gstLaunch(plan: PipelinePlan): { seconds: number; cpuSeconds: number } {
  const words = plan.description.replace(/appsink name=mien_frames [^ ]+ [^ ]+ [^ ]+/, 'fakesink sync=false').split(' ').filter((w) => w !== '');
  for (const { element, name, value } of plan.properties) words.splice(words.indexOf(`name=${element}`) + 1, 0, `${name}=${value}`);
  const run = spawnSync('bash', ['-c', `TIMEFORMAT='cpu %U %S'; time gst-launch-1.0 "$@"`, 'gst-launch', ...words], { encoding: 'utf8' });
  const wall = /Execution ended after (\d+):(\d+):(\d+\.\d+)/.exec(run.stdout);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  if (run.status !== 0 || !wall || !cpu) throw new Error(`gst-launch failed or did not say how long it ran:\n${run.stdout}${run.stderr}`);
  return { seconds: Number(wall[1]) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), cpuSeconds: Number(cpu[1]) + Number(cpu[2]) };
}

export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}
