/**
 * Per-model inference latency at batch 1, 4 and 8, with 1 and 2 intra-op threads, through the same
 * adapters the pipeline uses (input packing included). Ratios are against batch 1 with the same
 * thread count, measured in the same run, since this machine is shared and noisy. With --levels,
 * every model at each ONNX Runtime graph optimisation level instead of its own default, the levels'
 * sessions taking turns run by run (so that load from elsewhere falls on all alike).
 *
 *   npx tsx bench/models.ts [--rounds N] [--levels all,extended,basic] [--threads 1,2]
 */
import { parseArgs } from 'node:util';
import { createRgbImage, type RgbImage } from '../src/image/rgb-image.js';
import type { ImageModel } from '../src/models/image-model.js';
import { openModels, type OpenedModels } from '../src/models/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, levels: { type: 'string' }, threads: { type: 'string', default: '1,2' } } });
const rounds = Number(values.rounds);
type Level = 'all' | 'extended' | 'basic' | 'disabled';
const levels: (Level | undefined)[] = values.levels ? values.levels.split(',').map((l) => l as Level) : [undefined];
const threadCounts = values.threads.split(',').map(Number);

function noise(width: number, height: number, seed: number): RgbImage {
  const image = createRgbImage(width, height);
  let s = seed;
  for (let i = 0; i < image.data.length; i++) image.data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return image;
}

type Runner = (images: RgbImage[]) => Promise<unknown>;
/** Each role's model, and how to run it; images are made at the model's own input size. */
const roles: [string, (m: OpenedModels) => ImageModel, (m: OpenedModels) => Runner][] = [
  ['detector', (m) => m.detector, (m) => (i) => m.detector.detect(i)],
  ['landmarks', (m) => m.landmarks, (m) => (i) => m.landmarks.locate(i)],
  ['identity', (m) => m.identity, (m) => (i) => m.identity.embed(i)],
  ['expression', (m) => m.expression, (m) => (i) => m.expression.analyse(i)],
  ['pose', (m) => m.pose, (m) => (i) => m.pose.estimate(i)],
];

/** Median ms of each runner over `rounds` after one warm-up each, the runners taking turns. */
async function medians(runners: (() => Promise<unknown>)[]): Promise<number[]> {
  for (const run of runners) await run();
  const times: number[][] = runners.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, run] of runners.entries()) {
      const t = process.hrtime.bigint();
      await run();
      times[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]);
}

const rows: string[][] = [['model', 'level', 'threads', 'batch', 'ms/batch', 'ms/face', 'faces/s', 'vs batch 1']];
for (const threads of threadCounts) {
  const opened = await Promise.all(levels.map((level) => openModels({}, { intraOpThreads: threads, log: () => {}, ...(level && { graphOptimizationLevel: level }) })));
  for (const [role, modelOf, runner] of roles) {
    const model = modelOf(opened[0]);
    const { width, height } = model.input;
    const name = `${role} (${model.file}, ${width}x${height})`;
    const base = new Map<Level | undefined, number>();
    for (const batch of [1, 4, 8]) {
      const images = Array.from({ length: batch }, (_, i) => noise(width, height, i + 1));
      const ms = await medians(opened.map((models) => () => runner(models)(images)));
      levels.forEach((level, k) => {
        const perFace = ms[k] / batch;
        if (batch === 1) base.set(level, perFace);
        rows.push([name, level ?? 'default', String(threads), String(batch), ms[k].toFixed(1), perFace.toFixed(2), (1000 / perFace).toFixed(0), `${(base.get(level)! / perFace).toFixed(2)}x`]);
      });
    }
  }
  await Promise.all(opened.map((models) => models.close()));
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log(`\nmedian of ${rounds} runs after one warm-up; provider: cpu; ${new Date().toISOString()}`);
