/**
 * How many 720p H.264 RTSP streams at a 5 fps analysis rate one Node process sustains: N sources
 * (maxFps 5, maxWidth 640) read the same real gst-rtsp-server on loopback, each decoding all 30 fps
 * in GStreamer; N is sustained when every stream delivers at least 90 % of its 5 fps over the
 * window without a stall. Beside it: the CPU gst-launch alone spends on the same GStreamer work
 * (decode, scale and convert every frame of the clip, into a fakesink) for as many streams.
 *
 *   UV_THREADPOOL_SIZE=64 npx tsx bench/ingest/concurrent-streams.ts [--streams 1,2,4,6,8] [--window 8]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { fileSourcePlan } from '../../src/ingest/file-source.js';
import type { LiveSource } from '../../src/ingest/live-source.js';
import { openRtspSource } from '../../src/ingest/rtsp-source.js';
import { availableParallelism } from 'node:os';
import { gstLaunch, makeClips, printTable } from './clips.js';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '1,2,3,4,6,8' }, window: { type: 'string', default: '8' } } });
const counts = values.streams.split(',').map(Number);
const windowSeconds = Number(values.window);
const FPS = 5;
const PORT = 18_000 + Math.floor(Math.random() * 1000);
const CLIP_SECONDS = 37.9;

const { hd } = makeClips();
const server = spawn('/usr/bin/python3', [fileURLToPath(new URL('../../test/ingest/programs/rtsp-server.py', import.meta.url)), String(PORT), hd], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout.once('data', resolve));

const RATE = { maxFps: FPS, maxWidth: 640 };
// A live stream's work in GStreamer: decode, scale and convert every frame (its 5 fps are picked at
// the appsink), here into a fakesink instead of Node.
const gstRun = gstLaunch(fileSourcePlan(hd, { maxWidth: RATE.maxWidth }));
// One gst-launch pipeline is partly serial (one conversion thread), so its speed understates what
// many streams get from all cores; its CPU time per video second is the fair per-stream cost.
const gstCoresPerStream = gstRun.cpuSeconds / CLIP_SECONDS;

interface Run {
  sustained: boolean;
  minFps: number;
  maxFps: number;
  cpu: number;
}

async function run(streams: number): Promise<Run> {
  const sources: LiveSource[] = Array.from({ length: streams }, (_, i) =>
    openRtspSource({ stream: `cam-${i}`, url: `rtsp://127.0.0.1:${PORT}/clip`, ...RATE, stallAfterMs: 2000 }),
  );
  try {
    await Promise.all(sources.map((s) => firstValueFrom(s.status.pipe(filter((st) => st.state === 'playing'), timeout(20_000)))));
    const counts = sources.map(() => 0);
    let troubled = false;
    const subscriptions = sources.flatMap((s, i) => [
      s.frames.subscribe(() => counts[i]++),
      s.status.subscribe((st) => (troubled ||= st.state !== 'playing')),
    ]);
    const cpuBefore = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, windowSeconds * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    subscriptions.forEach((s) => s.unsubscribe());
    const fps = counts.map((c) => c / windowSeconds);
    return {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the status subscription above
      sustained: !troubled && Math.min(...fps) >= 0.9 * FPS,
      minFps: Math.min(...fps),
      maxFps: Math.max(...fps),
      cpu: (cpu.user + cpu.system) / 1e6 / windowSeconds,
    };
  } finally {
    sources.forEach((s) => s.close());
  }
}

const rows = [['720p streams', 'sustained', 'fps per stream (min-max)', 'CPU cores used', 'gst-launch cores for as many']];
for (const streams of counts) {
  const result = await run(streams);
  rows.push([String(streams), result.sustained ? 'yes' : 'no', `${result.minFps.toFixed(1)}-${result.maxFps.toFixed(1)}`, result.cpu.toFixed(2), (gstCoresPerStream * streams).toFixed(2)]);
}
server.kill();
printTable(rows);
console.log(
  `\ngst-launch alone: ${gstCoresPerStream.toFixed(3)} cores per real-time stream (${(CLIP_SECONDS / gstRun.seconds).toFixed(1)}x real time in one pipeline), ` +
    `so about ${Math.floor(availableParallelism() / gstCoresPerStream)} streams on ${availableParallelism()} cores`,
);
console.log(`${windowSeconds} s window per row, analysis at ${FPS} fps, RTSP over TCP on loopback; ${new Date().toISOString()}`);
