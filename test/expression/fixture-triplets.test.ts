import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mien } from '../support/cli.js';
import { FIXTURES, scratchDir } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function accuracyOf(csv: string): number {
  const run = mien('eval-fec', csv, '--json');
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as { accuracy: number; skipped: number };
  expect(result.skipped).toBe(0);
  return result.accuracy;
}

describe('the default expression embedding on the fixture triplets', () => {
  it('puts a smile nearer another person’s smile than the same person’s neutral face, for people it never saw', () => {
    const out = scratchDir();
    const script = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fixture-triplets.ts', '--fixtures', FIXTURES, '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(script.status, script.stderr).toBe(0);
    // Measured 0.864 (docs/expression.md); face-api's own crop scores 0.782 and DenseNet 0.718, so
    // a default that slid back to either fails here.
    expect(accuracyOf(join(out, 'validation.csv'))).toBeGreaterThanOrEqual(0.84);
    // The same man's two smiles stay nearer each other than his neutral face.
    expect(accuracyOf(join(out, 'validation-same-person.csv'))).toBe(1);
  }, 600_000);
});
