import { fileURLToPath } from 'node:url';
import { CliError } from './errors.js';

/** The built-in demo picture scripts/setup takes from Debian's python3-skimage (NASA, public domain). */
export const DEMO_PICTURE = fileURLToPath(new URL('../../.cache/demo/astronaut.png', import.meta.url));

/** A flag's positive number (a whole one with `integer`), `fallback` when the flag is absent. */
export function positiveNumber(name: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new CliError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`, 2);
  return value;
}

/** --fps of the commands that analyse video: whole frames per second of video, 1 to 60. */
export function analysisFps(raw: string): number {
  const fps = Number(raw);
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) throw new CliError(`--fps must be an integer from 1 to 60, got "${raw}"`, 2);
  return fps;
}
