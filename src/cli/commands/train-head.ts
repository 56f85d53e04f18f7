import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFecCsv } from '../../expression-lab/fec.js';
import { describeFacesInBoxes, findFecFaces, scoreFecFaces, type FecFaces } from '../../expression-lab/fec-evaluation.js';
import { encodeHeadOnnx, headEmbedding } from '../../expression/head.js';
import { cachedDescribePicture, FEC_TYPE_MARGINS, headTrainingSet, pooledViews } from '../../expression-lab/head-data.js';
import { HEAD_TRAINING_DEFAULTS, trainHead } from '../../expression-lab/head-training.js';
import { readImageFile } from '../../ingest/image-file.js';
import { AnalysisRuntime } from '../../runtime/analysis-runtime.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { positiveNumber } from '../options.js';

export const trainHeadCommand: Command = {
  name: 'train-head',
  summary: 'train a 16-d FEENet expression head on FEC-format triplets; writes it as ONNX',
  usage: [
    'Usage: mien train-head CSV --out HEAD.onnx [--images DIR] [--validation CSV] [--epochs N] [--seed S] [--per-type-margins]',
    '',
    'Trains FEENet\'s head (the running expression model\'s pooled features -> 128, ReLU, dropout 0.5',
    '-> 16, L2-normalised) with the symmetric triplet loss, margin 0.2, on the triplets of CSV (FEC',
    'format, as mien eval-fec reads it). Each face is embedded from the model\'s own crop and that crop',
    'mirrored; features are extracted once and cached. Prints the loss and, with --validation, the',
    'validation triplet accuracy after every epoch. The same inputs and seed give the same head.',
    'Use the head with MIEN_EXPRESSION_HEAD=HEAD.onnx (every command that embeds expressions).',
    '',
    '  --out HEAD.onnx       where to write the head',
    '  --images DIR          where the pictures are (default: the CSV\'s folder)',
    '  --validation CSV      triplets of other people to report accuracy on (pictures under --images)',
    `  --epochs N            default ${HEAD_TRAINING_DEFAULTS.epochs}`,
    `  --seed S              default ${HEAD_TRAINING_DEFAULTS.seed}`,
    '  --per-type-margins    the FEC paper\'s margins: 0.1 for one-class triplets, 0.2 for the others',
    '  --cache DIR           feature cache (default: ~/.cache/mien/head-features)',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        images: { type: 'string' },
        validation: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        'per-type-margins': { type: 'boolean', default: false },
        cache: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new CliError(`expected one CSV, got ${positionals.length}\n\n${this.usage}`, 2);
    if (!values.out) throw new CliError(`--out HEAD.onnx is required\n\n${this.usage}`, 2);
    const epochs = positiveNumber('epochs', values.epochs, HEAD_TRAINING_DEFAULTS.epochs, true);
    const seed = positiveNumber('seed', values.seed, HEAD_TRAINING_DEFAULTS.seed, true);
    const imagesDir = values.images ?? dirname(positionals[0]);
    const runtime = await AnalysisRuntime.open(settings);
    try {
      const { core, models } = runtime;
      const extract = describeFacesInBoxes(core, readImageFile, (faces) => pooledViews(core, faces));
      const read = async (csv: string): Promise<FecFaces<Float32Array[]>> => {
        const text = await readFile(csv, 'utf8').catch((caught: unknown) => {
          const error = caught as NodeJS.ErrnoException;
          throw new CliError(`${csv}: cannot read (${error.code ?? error.message})`);
        });
        const { triplets, errors } = parseFecCsv(text);
        for (const { line, message } of errors) console.error(`mien: ${csv}:${line}: skipped, ${message}`);
        const key = createHash('sha256').update(`${resolve(csv)}\n${resolve(imagesDir)}\n${models.expressionModel}\n${models.expressionPrecision}\n${JSON.stringify(models.expression.crop)}`).digest('hex').slice(0, 16);
        const cache = cachedDescribePicture(extract, join(values.cache ?? join(homedir(), '.cache/mien/head-features'), `${key}.json`));
        const found = await findFecFaces(triplets, imagesDir, cache.describe);
        cache.save();
        const { missingImage, noFace, noMajority } = found.skipped;
        console.error(`mien: ${csv}: ${found.triplets.length} triplets (skipped ${missingImage} with a missing picture, ${noFace} with no face, ${noMajority} tied)`);
        return found;
      };
      const train = await read(positionals[0]);
      if (train.triplets.length === 0) throw new CliError(`${positionals[0]}: no usable triplets to train on`);
      const validation = values.validation ? await read(values.validation) : undefined;
      const { faces, triplets } = headTrainingSet(train.triplets, values['per-type-margins'] ? FEC_TYPE_MARGINS : 0.2);
      // Validation embeds each face's plain eye crop, as the pipeline does.
      const head = trainHead(faces, triplets, { epochs, seed }, ({ epoch, loss, head }) => {
        const accuracy = validation && scoreFecFaces(validation.triplets, (views) => headEmbedding(head, views[0])).accuracy;
        console.log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(4)}${accuracy === undefined ? '' : `  validation accuracy ${accuracy.toFixed(3)}`}`);
      });
      await writeFile(values.out, encodeHeadOnnx(head));
      console.error(`mien: wrote ${values.out}; use it with MIEN_EXPRESSION_HEAD=${values.out}`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
