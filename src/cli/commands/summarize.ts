import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { clusterRepresentatives, cutIntoClusters, wardLinkage } from '../../expression/ward.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import { contactSheetPng } from '../../render/contact-sheet.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatJson } from '../json.js';
import { positiveNumber } from '../options.js';
import { analyseVideoFaces } from '../../runtime/video-faces.js';
import { timeCode } from '../time-code.js';

export const summariseCommand: Command = {
  name: 'summarize',
  summary: 'one person\'s expressions in a video: Ward clusters of their expression embeddings, one face each, as a contact sheet',
  usage: [
    'Usage: mien summarize VIDEO --out SHEET.png [--identity ID] [--clusters N] [--fps F] [--json]',
    '',
    'Analyses the video as the live pipeline does, takes one person\'s FaceQA-accepted faces, clusters',
    'their expression embeddings (agglomerative, Ward linkage) into N clusters and draws, per cluster',
    'in order of first appearance, the face nearest the cluster\'s centroid.',
    '',
    '  --out SHEET.png   the contact sheet',
    '  --identity ID     whose expressions (default: the person with the most faces)',
    '  --clusters N      how many clusters (default 10; fewer when there are fewer faces)',
    '  --fps F           at most this many frames analysed per second of video (default 10)',
    '  --json            print {"identity", "faces", "clusters": [{"size", "representative", "first", "last"}]}',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, identity: { type: 'string' }, clusters: { type: 'string' }, fps: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new CliError(`expected one VIDEO, got ${positionals.length}\n\n${this.usage}`, 2);
    if (!values.out) throw new CliError(`--out SHEET.png is required\n\n${this.usage}`, 2);
    const wanted = values.clusters === undefined ? 10 : positiveNumber('clusters', values.clusters, 10, true);
    const fps = positiveNumber('fps', values.fps, 10, true);
    if (values.identity !== undefined && !/^\d+$/.test(values.identity)) throw new CliError(`--identity must be an identity number, got "${values.identity}"`, 2);
    const runtime = await AnalysisRuntime.open(settings);
    try {
      const { faces, space } = await analyseVideoFaces(runtime, positionals[0], fps);
      const counts = new Map<number, number>();
      for (const f of faces) if (f.identity !== undefined) counts.set(f.identity, (counts.get(f.identity) ?? 0) + 1);
      if (counts.size === 0) throw new CliError(`${positionals[0]}: no person seen clearly enough to summarize`);
      const identity = values.identity !== undefined ? Number(values.identity) : [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      if (!counts.has(identity)) throw new CliError(`no identity ${identity} in ${positionals[0]}; identities seen: ${[...counts.keys()].join(', ')}`);
      const own = faces.filter((f) => f.identity === identity);
      const k = Math.min(wanted, own.length);
      const points = own.map((f) => f.embedding);
      const labels = cutIntoClusters(wardLinkage(points), points.length, k);
      const representatives = clusterRepresentatives(points, labels);
      const clusters = representatives
        .map((rep, label) => {
          const times = own.filter((_, i) => labels[i] === label).map((f) => f.pts);
          return { size: times.length, representative: own[rep], first: Math.min(...times), last: Math.max(...times) };
        })
        .sort((a, b) => a.first - b.first);
      if (values.json) {
        console.log(formatJson({
          identity,
          embedding: space.kind.name,
          faces: own.length,
          clusters: clusters.map((c) => ({ size: c.size, representative: Number(c.representative.pts.toFixed(3)), first: Number(c.first.toFixed(3)), last: Number(c.last.toFixed(3)) })),
        }));
      } else {
        console.log(`identity ${identity}: ${own.length} faces in ${k} clusters (${space.kind.name}, Ward)`);
        clusters.forEach((c, i) => console.log(`${String(i + 1).padStart(3)}  ${String(c.size).padStart(4)} faces  ${timeCode(c.first)}-${timeCode(c.last)}  shown: ${timeCode(c.representative.pts)}`));
      }
      const tiles = clusters.map((c, i) => ({ image: c.representative.thumbnail, caption: [`#${i + 1} ${timeCode(c.representative.pts)}`, `${c.size} faces`] }));
      await writeFile(values.out, await contactSheetPng(tiles, { columns: Math.min(5, Math.ceil(Math.sqrt(tiles.length * 1.5))), title: `identity ${identity}: ${own.length} faces, ${k} expression clusters` }));
      console.error(`mien: wrote ${values.out}`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
