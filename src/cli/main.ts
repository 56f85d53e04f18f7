import type { Command } from './command.js';
import { analyseCommand } from './commands/analyze.js';
import { evalFecCommand } from './commands/eval-fec.js';
import { facesCommand } from './commands/faces.js';
import { searchCommand } from './commands/search.js';
import { summariseCommand } from './commands/summarize.js';
import { trainHeadCommand } from './commands/train-head.js';
import { modelsCommand } from './commands/models.js';
import { identitiesCommand } from './commands/identities.js';
import { refsCommand } from './commands/refs.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';
import { runtimeSettings, type RuntimeSettings } from '../runtime/settings.js';
import { SettingsError } from '../runtime/errors.js';
import { CliError } from './errors.js';

const COMMANDS: readonly Command[] = [serveCommand, analyseCommand, facesCommand, identitiesCommand, refsCommand, modelsCommand, evalFecCommand, trainHeadCommand, searchCommand, summariseCommand, workerCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'mien: real-time facial-expression analysis for live video',
    '',
    'Usage: mien COMMAND [options]     (mien COMMAND --help for its options)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** The environment, read once; a bad value is a usage error before anything runs. */
function settings(): RuntimeSettings {
  try {
    return runtimeSettings(process.env);
  } catch (error) {
    if (error instanceof SettingsError) throw new CliError(error.message, 2);
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv as [string?, ...string[]];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new CliError(`unknown command "${name}"\n\n${help()}`, 2);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest, settings());
}

process.on('unhandledRejection', (reason) => {
  console.error('mien: internal error:', reason);
  process.exit(70);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`mien: ${error.message}`);
      process.exitCode = error.exitCode;
    } else if (error instanceof Error && error.name === 'TypeError' && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`mien: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error('mien:', error instanceof Error ? error.message : error);
      // Read on its own: the settings may be what failed.
      if (process.env.MIEN_DEBUG && error instanceof Error) console.error(error.stack);
      process.exitCode = 1;
    }
  },
);
