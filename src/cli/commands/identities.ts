import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FaceCore } from '../../face/analyzer.js';
import type { Frame } from '../../ingest/frame.js';
import { ImageDecodeError, readImageFile } from '../../ingest/image-file.js';
import { openModels } from '../../models/index.js';
import { ExpressionAnalysis, IDENTITY_DEFAULTS } from '../../operators/analysis-pipeline.js';
import type { FrameAnalysis } from '../../operators/frame-analysis.js';
import { CliError, type Command } from '../command.js';
import { formatJson } from '../json.js';

const PICTURE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);
/** Pictures analysed together: one batched model call each step. */
const BATCH = 4;

/** The pictures PATH names: itself, or the pictures directly in it when it is a folder (sorted). */
function picturesAt(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    throw new CliError(`${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!isFolder) return [path];
  return readdirSync(path)
    .filter((name) => PICTURE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(path, name));
}

export const identitiesCommand: Command = {
  name: 'identities',
  summary: 'group the faces of pictures into people with the live online clustering',
  usage: [
    'Usage: mien identities PATH...',
    '',
    'PATH: a picture, or a folder whose pictures are all taken. Every face FaceQA accepts joins the',
    `same online clustering as live analysis (incremental DBSCAN, cosine eps ${IDENTITY_DEFAULTS.eps}, minPts ${IDENTITY_DEFAULTS.minPts}),`,
    'in the order given. Prints JSON: {"assignments": [{"file", "face", "identity"}], "identities": N},',
    'face being the index of the face in its picture and identity null for faces FaceQA rejects',
    'or the clustering leaves as noise (too few similar faces).',
  ].join('\n'),
  async run(argv) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length === 0) throw new CliError(`expected at least one PATH\n\n${this.usage}`, 2);
    const files = positionals.flatMap(picturesAt);
    const models = await openModels();
    try {
      const analysed: FrameAnalysis[] = [];
      const analysis = new ExpressionAnalysis(new FaceCore(models), () => [], { onAnalysed: (record) => analysed.push(record) });
      for (let start = 0; start < files.length; start += BATCH) {
        // Each picture is a stream of its own, so that no face is tracked from one picture to another.
        const frames = await Promise.all(files.slice(start, start + BATCH).map(async (file): Promise<Frame> => ({ ...(await readPicture(file)), stream: file, index: 0, pts: 0 })));
        await analysis.analyse(frames);
      }
      // Identities as the clustering ends up, after every merge and split.
      const assignments = analysed.flatMap(({ frame, faces }) =>
        faces.map(({ track }, face) => ({ file: frame.stream, face, identity: analysis.identities.identityOf(track) ?? null })),
      );
      const identities = new Set(assignments.flatMap(({ identity }) => (identity === null ? [] : [identity]))).size;
      console.log(formatJson({ assignments, identities }));
      return 0;
    } finally {
      await models.close();
    }
  },
};

async function readPicture(file: string) {
  try {
    return await readImageFile(file);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new CliError(error.message);
    throw error;
  }
}
