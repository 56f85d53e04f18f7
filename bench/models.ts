/**
 * Per-model inference latency at batch 1, 4 and 8, with 1 and 2 intra-op threads, through the same
 * adapters the pipeline uses (input packing included). Ratios are against batch 1 with the same
 * thread count, measured in the same run, since this machine is shared and noisy.
 *
 *   npx tsx bench/models.ts [--rounds N]
 */
import { parseArgs } from 'node:util';
import { createRgbImage, type RgbImage } from '../src/image/rgb-image.js';
import { openModels, type OpenedModels } from '../src/models/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

function noise(width: number, height: number, seed: number): RgbImage {
  const image = createRgbImage(width, height);
  let s = seed;
  for (let i = 0; i < image.data.length; i++) image.data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return image;
}

type Runner = (images: RgbImage[]) => Promise<unknown>;
const roles: [string, number, (m: OpenedModels) => Runner][] = [
  ['detector (320x240)', 320, (m) => (i) => m.detector.detect(i)],
  ['landmarks (64x64)', 64, (m) => (i) => m.landmarks.locate(i)],
  ['identity (112x112)', 112, (m) => (i) => m.identity.embed(i)],
  ['expression (224x224)', 224, (m) => (i) => m.expression.analyse(i)],
  ['pose (224x224)', 224, (m) => (i) => m.pose.estimate(i)],
];

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const rows: string[][] = [['model', 'threads', 'batch', 'ms/batch', 'ms/face', 'faces/s', 'vs batch 1']];
for (const threads of [1, 2]) {
  const models = await openModels({}, { intraOpThreads: threads, log: () => {} });
  for (const [name, size, runner] of roles) {
    const height = size === 320 ? 240 : size;
    let base = 0;
    for (const batch of [1, 4, 8]) {
      const images = Array.from({ length: batch }, (_, i) => noise(size, height, i + 1));
      const ms = await median(() => runner(models)(images));
      const perFace = ms / batch;
      if (batch === 1) base = perFace;
      rows.push([name, String(threads), String(batch), ms.toFixed(1), perFace.toFixed(2), (1000 / perFace).toFixed(0), `${(base / perFace).toFixed(2)}x`]);
    }
  }
  await models.close();
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
console.log(`\nmedian of ${rounds} runs after one warm-up; provider: cpu; ${new Date().toISOString()}`);
