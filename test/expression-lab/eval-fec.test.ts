import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mien } from '../support/cli.js';
import { FIXTURES, fixture, scratchDir } from '../support/fixtures.js';

const whole = (path: string): string => `"${path}",0,1,0,1`;

describe('mien eval-fec', () => {
  it('scores triplets of real faces, honours boxes, counts missing pictures and reports malformed rows', () => {
    const dir = scratchDir();
    // At 3.5 s the CREMA-D man (left half) smiles while the GRID speaker (right half) talks.
    const frame = join(dir, 'two-people.png');
    execFileSync('ffmpeg', ['-v', 'error', '-ss', '3.5', '-i', fixture('video/two-people-cremad-grid.mp4'), '-frames:v', '1', '-y', frame]);
    const rows = [
      `"${frame}",0,0.5,0,1,${whole('faces/astronaut.png')},"${frame}",0.5,1,0,1,"ONE_CLASS_TRIPLET",1,3,2,3`,
      `"${frame}",0.5,1,0,1,${whole('faces/astronaut.png')},"${frame}",0,0.5,0,1,"ONE_CLASS_TRIPLET",1,3,2,3`,
      `${whole('faces/london/001_08.jpg')},${whole('expressions/pexels/happy-baby.jpeg')},${whole('expressions/pexels/angry.jpg')},"TWO_CLASS_TRIPLET",1,3`,
      'this row, is not a triplet',
      `${whole('https://example.org/nowhere/missing.jpg')},${whole('faces/astronaut.png')},${whole('faces/london/001_08.jpg')},"THREE_CLASS_TRIPLET",1,1`,
    ];
    const csv = join(dir, 'triplets.csv');
    writeFileSync(csv, rows.join('\n'));
    const run = mien('eval-fec', csv, '--images', FIXTURES, '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/triplets\.csv:4: skipped/);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    // The second row swaps the boxes, so the smiling man becomes the odd one: the embedding disagrees.
    expect(result).toMatchObject({
      accuracy: 2 / 3,
      rows: 3,
      skipped: 1,
      perType: { ONE_CLASS_TRIPLET: { accuracy: 0.5, n: 2 }, TWO_CLASS_TRIPLET: { accuracy: 1, n: 1 } },
      malformed: [{ line: 4, message: expect.any(String) }],
    });

    const text = mien('eval-fec', csv, '--images', FIXTURES);
    expect(text.stdout).toMatch(/triplet accuracy 0\.667 on 3 triplets/);
    expect(text.stdout).toMatch(/skipped 1: 1 with a missing picture/);
  }, 180_000);
});
