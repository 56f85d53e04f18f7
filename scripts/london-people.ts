import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The London set's people with a neutral (NNN_03) and a smiling (NNN_08) photo, in id order, and
 * their one split: every third person is a validation person. The fixture triplets and the benches
 * that score people directly share it, so a "validation person" means the same everywhere.
 */
export interface LondonPeople {
  readonly all: readonly string[];
  readonly validation: readonly string[];
  readonly training: readonly string[];
  readonly neutral: (person: string) => string;
  readonly smiling: (person: string) => string;
}

export function londonPeople(londonDir: string): LondonPeople {
  const files = new Set(readdirSync(londonDir));
  const all = [...new Set([...files].filter((f) => /^\d{3}_0[38]\.jpg$/.test(f)).map((f) => f.slice(0, 3)))]
    .filter((p) => files.has(`${p}_03.jpg`) && files.has(`${p}_08.jpg`))
    .sort();
  return {
    all,
    validation: all.filter((_, i) => i % 3 === 2),
    training: all.filter((_, i) => i % 3 !== 2),
    neutral: (p) => join(londonDir, `${p}_03.jpg`),
    smiling: (p) => join(londonDir, `${p}_08.jpg`),
  };
}
