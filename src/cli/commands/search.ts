import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { NoFaceError } from '../../expression/errors.js';
import { referenceFace } from '../../expression/reference-face.js';
import type { RgbImage } from '../../image/rgb-image.js';
import { ImageDecodeError } from '../../ingest/errors.js';
import { readImageFile } from '../../ingest/image-file.js';
import { euclideanDistance } from '../../math/vector.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import { analyseVideoFaces, type VideoAnalysis } from '../../runtime/video-faces.js';
import { contactSheetPng } from '../../render/contact-sheet.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatJson } from '../json.js';
import { timeCode } from '../time-code.js';
import { positiveNumber } from '../options.js';

/** The largest face of a picture, embedded as a custom expression's reference is, against the people of the video. */
async function queryEmbedding(video: VideoAnalysis, path: string): Promise<{ embedding: Float32Array; thumbnail: RgbImage }> {
  try {
    const rest = video.populationRest && ({ kind: 'population', rest: video.populationRest } as const);
    const face = await referenceFace(video.space, await readImageFile(path), { rest });
    return { embedding: face.embedding, thumbnail: face.crop };
  } catch (error) {
    if (error instanceof ImageDecodeError || error instanceof NoFaceError) throw new CliError(`${path}: ${error.message.replace(`${path}: `, '')}`);
    throw error;
  }
}


export const searchCommand: Command = {
  name: 'search',
  summary: 'the faces of a video whose expression is closest to a query face\'s, as a list and a contact sheet',
  usage: [
    'Usage: mien search VIDEO --query FACE.jpg [--top K] [--out SHEET.png] [--fps F] [--json]',
    '',
    'Analyses the video as the live pipeline does (FaceQA-accepted faces, identities, expression',
    'embeddings) and lists the K faces nearest the query face\'s expression: identity, time code and',
    'distance; draws them, the query first, on a contact sheet.',
    '',
    '  --query FACE.jpg  a picture; its largest face is the query',
    '  --top K           how many faces (default 10)',
    '  --out SHEET.png   the contact sheet (default search.png)',
    '  --fps F           at most this many frames analysed per second of video (default 10)',
    '  --json            print {"embedding", "results": [{"rank", "identity", "time", "distance"}]}',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { query: { type: 'string' }, top: { type: 'string' }, out: { type: 'string' }, fps: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new CliError(`expected one VIDEO, got ${positionals.length}\n\n${this.usage}`, 2);
    if (!values.query) throw new CliError(`--query FACE.jpg is required\n\n${this.usage}`, 2);
    const top = positiveNumber('top', values.top, 10, true);
    const fps = positiveNumber('fps', values.fps, 10, true);
    const out = values.out ?? 'search.png';
    const runtime = await AnalysisRuntime.open(settings);
    try {
      await readImageFile(values.query).catch((caught: unknown) => {
        const error = caught as Error;
        throw new CliError(`${values.query}: ${error.message.replace(`${values.query}: `, '')}`);
      });
      const video = await analyseVideoFaces(runtime, positionals[0], fps);
      const { faces } = video;
      const query = await queryEmbedding(video, values.query);
      const results = faces
        .map((face) => ({ face, distance: euclideanDistance(face.embedding, query.embedding) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, top);
      const identity = (id: number | undefined): string => (id === undefined ? '?' : String(id));
      if (values.json) {
        console.log(formatJson({
          embedding: video.space.kind.name,
          facesSearched: faces.length,
          results: results.map(({ face, distance }, i) => ({ rank: i + 1, identity: face.identity ?? null, time: Number(face.pts.toFixed(3)), distance: Number(distance.toFixed(4)) })),
        }));
      } else {
        console.log(`${results.length} of ${faces.length} faces closest to ${values.query} (${video.space.kind.name}):`);
        results.forEach(({ face, distance }, i) => console.log(`${String(i + 1).padStart(3)}  identity ${identity(face.identity).padEnd(3)}  ${timeCode(face.pts)}  distance ${distance.toFixed(3)}`));
      }
      const tiles = [
        { image: query.thumbnail, caption: ['query'] },
        ...results.map(({ face, distance }, i) => ({ image: face.thumbnail, caption: [`#${i + 1}  ${timeCode(face.pts)}`, `id ${identity(face.identity)}  d ${distance.toFixed(3)}`] })),
      ];
      await writeFile(out, await contactSheetPng(tiles, { title: `search: ${values.query}` }));
      console.error(`mien: wrote ${out}`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
