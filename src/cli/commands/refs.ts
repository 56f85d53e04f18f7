import { parseArgs } from 'node:util';
import { NoFaceError } from '../../expression/errors.js';
import type { Box } from '../../face/geometry.js';
import { referenceFace, type PhotoRest } from '../../expression/reference-face.js';
import { POPULATION_REST_START } from '../../expression/relative-embedding.js';
import { ImageDecodeError } from '../../ingest/errors.js';
import { readImageFile } from '../../ingest/image-file.js';
import { encodePng } from '../../render/png.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import type { RuntimeSettings } from '../../runtime/settings.js';
import { databasePath } from '../../store/database.js';
import { ReferenceStoreError } from '../../store/errors.js';
import { MienStores } from '../../store/mien-stores.js';
import { normaliseTags, type ReferenceStore } from '../../store/reference-store.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { formatJson } from '../json.js';

const USAGE = [
  'Usage: mien refs add IMAGE --tag TAG [--tag TAG ...] [--threshold D] [--box X1,Y1,X2,Y2] [--rest PHOTO] [--db FILE]',
  '       mien refs list [--db FILE]',
  '       mien refs remove ID [--db FILE]',
  '',
  'Custom expressions: one reference face and its tags. From then on, a person whose pooled',
  'expression embedding comes within the threshold of it is tagged.',
  '',
  '  --tag TAG        a tag for the expression (repeatable), e.g. "tight smile"',
  '  --threshold D    this reference\'s distance threshold (default: the embedding\'s own)',
  '  --box ...        which face in IMAGE (default: the largest)',
  '  --rest PHOTO     a photo of the same person at rest: the expression is read against it. Without',
  '                   it, against the resting face of people in general (where MediaPipe\'s Face',
  '                   Landmarker is provisioned; otherwise faces are read alone and it is not used)',
  `  --db FILE        the database (default: $MIEN_DATA_DIR/mien.db, else ./mien-data/mien.db)`,
].join('\n');

export const refsCommand: Command = {
  name: 'refs',
  summary: 'add, list and remove custom expressions (reference faces with tags)',
  usage: USAGE,
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tag: { type: 'string', multiple: true },
        threshold: { type: 'string' },
        box: { type: 'string' },
        rest: { type: 'string' },
        db: { type: 'string' },
      },
    });
    const [action, ...rest] = positionals;
    const stores = MienStores.open(values.db ?? databasePath(settings.dataDir));
    try {
      const store = stores.references;
      switch (action) {
        case 'add': {
          if (rest.length !== 1) throw new CliError(`refs add takes one IMAGE\n\n${USAGE}`, 2);
          const tags = parseTags(values.tag);
          const threshold = values.threshold === undefined ? undefined : parseThreshold(values.threshold);
          const box = values.box === undefined ? undefined : parseBox(values.box);
          const stored = await addReference(settings, store, rest[0], { tags, threshold, box, restPhoto: values.rest });
          console.log(formatJson(stored));
          return 0;
        }
        case 'list':
          console.log(formatJson({ references: store.list().map(({ id, tags, threshold, createdAt, source, box, embeddingModel, rest }) => ({ id, tags, threshold, createdAt, source, box, embeddingModel, rest })) }));
          return 0;
        case 'remove': {
          const id = Number(rest[0]);
          if (rest.length !== 1 || !Number.isInteger(id)) throw new CliError(`refs remove takes one numeric ID\n\n${USAGE}`, 2);
          if (!store.remove(id)) throw new CliError(`no reference with id ${id}`);
          console.error(`mien: removed reference ${id}`);
          return 0;
        }
        default:
          throw new CliError(`expected "refs add", "refs list" or "refs remove"\n\n${USAGE}`, 2);
      }
    } finally {
      stores.close();
    }
  },
};

interface AddOptions {
  readonly tags: string[];
  readonly threshold: number | undefined;
  readonly box: Box | undefined;
  readonly restPhoto: string | undefined;
}

async function addReference(settings: RuntimeSettings, store: ReferenceStore, path: string, { tags, threshold, box, restPhoto }: AddOptions) {
  const runtime = await AnalysisRuntime.open(settings);
  try {
    const image = await readImageFile(path);
    // No analysis runs here, so no one has been seen: people in general rest where the start value says.
    const rest: PhotoRest = restPhoto ? { kind: 'rest-photo', image: await readImageFile(restPhoto) } : { kind: 'population', rest: POPULATION_REST_START };
    const face = await referenceFace(runtime.space, image, { chosen: box, rest });
    if (!face.quality.accepted) console.error(`mien: warning: FaceQA would reject this face (${face.quality.reasons.join(', ')}); adding it anyway`);
    const stored = store.add({ tags, threshold, box: [...face.box], embedding: face.embedding, embeddingModel: face.embeddingModel, rest: face.rest, cropPng: await encodePng(face.crop), source: path });
    return { id: stored.id, tags: stored.tags, threshold: stored.threshold, box: stored.box.map((v) => Math.round(v)), embeddingModel: stored.embeddingModel, rest: stored.rest };
  } catch (error) {
    if (error instanceof NoFaceError || error instanceof ImageDecodeError || error instanceof ReferenceStoreError) {
      throw new CliError(`${path}: ${error.message.replace(`${path}: `, '')}; nothing was added`);
    }
    throw error;
  } finally {
    await runtime.close();
  }
}

function parseTags(tags: string[] | undefined): string[] {
  try {
    return normaliseTags(tags ?? []);
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--tag TAG)`, 2);
  }
}

function parseThreshold(raw: string): number {
  const value = Number(raw);
  if (!(value > 0 && value <= 2)) throw new CliError(`--threshold must be a distance in (0, 2], got "${raw}"`, 2);
  return value;
}

function parseBox(raw: string): Box {
  const v = raw.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[2] <= v[0] || v[3] <= v[1]) {
    throw new CliError(`--box must be X1,Y1,X2,Y2 with X2 > X1 and Y2 > Y1, got "${raw}"`, 2);
  }
  return [v[0], v[1], v[2], v[3]];
}
