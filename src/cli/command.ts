import type { RuntimeSettings } from '../runtime/settings.js';

/** A `mien` sub-command: argument parsing and printing only; the work lives in the modules it calls. */
export interface Command {
  readonly name: string;
  /** One line for `mien --help`. */
  readonly summary: string;
  /** Full usage text for `mien NAME --help`. */
  readonly usage: string;
  /** Runs with the process's settings, read once from its environment. */
  run(argv: string[], settings: RuntimeSettings): Promise<number>;
}
