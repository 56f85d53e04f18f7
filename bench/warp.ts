/**
 * warpAffine, the per-pixel kernel behind every crop and resize, on the pipeline's three uses per
 * face and frame: the detector's resize of a 640x480 frame, the 224 px eye-aligned crop (turned,
 * enlarged) and the same crop at the picture's corner (most taps outside). Median ms of 7 rounds.
 *
 *   npx tsx bench/warp.ts
 */
import { similarityTransform } from '../src/face/align.js';
import type { Affine } from '../src/image/affine.js';
import { createRgbImage } from '../src/image/rgb-image.js';
import { warpAffine } from '../src/image/warp.js';

const frame = createRgbImage(640, 480);
let seed = 7;
for (let i = 0; i < frame.data.length; i++) frame.data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;

const cases: [string, Affine, number, number][] = [
  ['detector resize 640x480 -> 320x240', [0.5, 0, 0, 0, 0.5, 0], 320, 240],
  ['eye crop 224x224, turned 20 degrees', similarityTransform([[300, 200], [340, 215]], [[77, 96], [147, 96]]), 224, 224],
  ['eye crop 224x224 at the corner', similarityTransform([[5, 5], [45, 10]], [[77, 96], [147, 96]]), 224, 224],
];
for (const [name, map, width, height] of cases) {
  const times: number[] = [];
  for (let round = 0; round < 8; round++) {
    const started = performance.now();
    for (let k = 0; k < 20; k++) warpAffine(frame, map, width, height);
    if (round > 0) times.push((performance.now() - started) / 20);
  }
  let checksum = 0;
  for (const v of warpAffine(frame, map, width, height).data) checksum = (checksum * 31 + v) >>> 0;
  console.log(`${name.padEnd(38)} ${times.sort((a, b) => a - b)[3].toFixed(3)} ms  (output checksum ${checksum})`);
}
