/**
 * Memory of a long live run: a real MienServer playing a fixture video as a looped camera at the
 * server's analysis rate, RSS and ArrayBuffer memory sampled every `--every` seconds, and the
 * analysed and dropped frames. Ends with RSS at the last sample over RSS at the first full minute
 * (the target: within 10% from minute 1 to minute 10).
 *
 *   npx tsx bench/live-memory.ts [--seconds 600] [--every 60] [--fps 5] [--clip video/cremad-1001-six-emotions.mp4]
 */
import { parseArgs } from 'node:util';
import { AnalysisRuntime } from '../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../src/runtime/settings.js';
import { loadConfig } from '../src/server/config.js';
import { MienServer } from '../src/server/server.js';
import { fixture, scratchDir } from '../test/support/fixtures.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    every: { type: 'string', default: '60' },
    fps: { type: 'string', default: '5' },
    clip: { type: 'string', default: 'video/cremad-1001-six-emotions.mp4' },
  },
});
const seconds = Number(values.seconds), every = Number(values.every);
const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
const config = loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), analysisFps: Number(values.fps) } });
const server = await MienServer.start(config, { runtime, log: () => {} });
server.streams.add({ kind: 'file', path: fixture(values.clip), loop: true, id: 'loop' }, 'api');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const rss: number[] = [];
console.log(`${values.clip} looped at ${values.fps} fps through MienServer, ${new Date().toISOString()}`);
for (let t = every; t <= seconds; t += every) {
  await new Promise((resolve) => setTimeout(resolve, every * 1000));
  const memory = process.memoryUsage();
  const stream = server.streams.get('loop')!;
  rss.push(memory.rss);
  console.log(`${String(t).padStart(5)} s  RSS ${mb(memory.rss).padStart(5)} MB  ArrayBuffers ${mb(memory.arrayBuffers).padStart(4)} MB  heap ${mb(memory.heapUsed).padStart(4)} MB  frames analysed ${stream.framesAnalysed}, skipped ${stream.framesSkipped}, dropped ${stream.framesDropped}`);
}
// The first sample at or after a minute (the very first in a run shorter than two samples past it).
const minute = Math.max(0, Math.ceil(60 / every) - 1);
const firstIndex = minute < rss.length - 1 ? minute : 0;
console.log(`RSS at ${rss.length * every} s / RSS at ${(firstIndex + 1) * every} s: ${(rss.at(-1)! / rss[firstIndex]).toFixed(3)}`);
await server.close();
await runtime.close();
