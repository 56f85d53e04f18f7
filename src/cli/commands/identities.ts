import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ignoreElements, lastValueFrom } from 'rxjs';
import { ImageDecodeError } from '../../ingest/errors.js';
import { fileFrames } from '../../ingest/file-source.js';
import type { Frame } from '../../ingest/frame.js';
import { readImageFile } from '../../ingest/image-file.js';
import { IDENTITY_DEFAULTS } from '../../operators/analysis-pipeline.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import type { FrameAnalysis } from '../../operators/frame-analysis.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { analysisFps } from '../options.js';
import { formatJson } from '../json.js';

const PICTURE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);
const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.flv', '.mpg', '.mpeg', '.ts']);
/** Pictures analysed together: one batched model call each step. */
const BATCH = 4;

/** The files PATH names: itself, or the pictures and videos directly in it when it is a folder (sorted). */
function picturesAt(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    throw new CliError(`${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!isFolder) return [path];
  return readdirSync(path)
    .filter((name) => PICTURE_EXTENSIONS.has(extname(name).toLowerCase()) || VIDEO_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(path, name));
}

export const identitiesCommand: Command = {
  name: 'identities',
  summary: 'group the faces of pictures and videos into people with the live online clustering',
  usage: [
    'Usage: mien identities PATH... [--fps N]',
    '',
    'PATH: a picture, a video, or a folder whose pictures and videos are all taken. Every face FaceQA accepts',
    `joins the same online clustering as live analysis (incremental DBSCAN, cosine eps ${IDENTITY_DEFAULTS.eps}, minPts ${IDENTITY_DEFAULTS.minPts}),`,
    'in the order given; a video\'s frames are analysed at N per second (default 5) and its faces',
    'tracked from frame to frame. Prints JSON: {"assignments": [{"file", "face", "identity"}], "identities": N},',
    'face being the index of the face in its picture (in a video: in the video, with its "pts"), and',
    'identity null for faces FaceQA rejects or the clustering leaves as noise (too few similar faces).',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { fps: { type: 'string', default: '5' } } });
    if (positionals.length === 0) throw new CliError(`expected at least one PATH\n\n${this.usage}`, 2);
    const fps = analysisFps(values.fps);
    const files = positionals.flatMap(picturesAt);
    const runtime = await AnalysisRuntime.open(settings);
    try {
      const analysed: FrameAnalysis[] = [];
      const analysis = runtime.analysis(() => [], { onAnalysed: (record) => analysed.push(record) });
      for (const group of inOrder(files)) {
        if (group.video) {
          const gate = analysis.analysisGate();
          const frames = fileFrames(group.video, { maxFps: fps, stream: group.video, gate });
          await lastValueFrom(frames.pipe(analysis.events(gate), ignoreElements()), { defaultValue: undefined }).catch((caught: unknown) => {
            const error = caught as Error;
            throw new CliError(error.message);
          });
          continue;
        }
        // Each picture is a stream of its own, so that no face is tracked from one picture to another.
        const frames = await Promise.all(group.pictures.map(async (file): Promise<Frame> => ({ ...(await readPicture(file)), stream: file, index: 0, pts: 0 })));
        await analysis.analyse(frames);
      }
      // Identities as the clustering ends up, after every merge and split.
      const counted = new Map<string, number>();
      const assignments = analysed.flatMap(({ frame, faces }) =>
        faces.map(({ track }) => {
          const face = counted.get(frame.stream) ?? 0;
          counted.set(frame.stream, face + 1);
          const identity = analysis.identities.identityOf(track) ?? null;
          return isPicture(frame.stream) ? { file: frame.stream, face, identity } : { file: frame.stream, face, pts: frame.pts, identity };
        }),
      );
      const identities = new Set(assignments.flatMap(({ identity }) => (identity === null ? [] : [identity]))).size;
      console.log(formatJson({ assignments, identities }));
      return 0;
    } finally {
      await runtime.close();
    }
  },
};

const isPicture = (file: string): boolean => PICTURE_EXTENSIONS.has(extname(file).toLowerCase());

/** The files in order: runs of up to BATCH pictures (analysed together), and videos one by one. */
function* inOrder(files: readonly string[]): Generator<{ video?: string; pictures: string[] }> {
  const pictures: string[] = [];
  for (const file of files) {
    if (isPicture(file)) {
      pictures.push(file);
      if (pictures.length === BATCH) yield { pictures: pictures.splice(0) };
      continue;
    }
    if (pictures.length) yield { pictures: pictures.splice(0) };
    yield { video: file, pictures: [] };
  }
  if (pictures.length) yield { pictures };
}

async function readPicture(file: string) {
  try {
    return await readImageFile(file);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new CliError(error.message);
    throw error;
  }
}
