import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFecRow, type FecFace } from '../../src/expression-lab/fec.js';
import { mien } from '../support/cli.js';
import { FIXTURES, fixture, scratchDir } from '../support/fixtures.js';

const london = (person: string, expression: '03' | '08'): FecFace => ({ image: `faces/london/${person}_${expression}.jpg`, box: { left: 0, right: 1, top: 0, bottom: 1 } });

/** A smiling, B smiling, A neutral (odd); and A neutral, B neutral, A smiling (odd). */
function crossPersonCsv(people: string[]): string {
  return people
    .flatMap((a) => people.filter((b) => b !== a).flatMap((b) => [
      formatFecRow([london(a, '08'), london(b, '08'), london(a, '03')], 'TWO_CLASS_TRIPLET', [3]),
      formatFecRow([london(a, '03'), london(b, '03'), london(a, '08')], 'TWO_CLASS_TRIPLET', [3]),
    ]))
    .join('\n');
}

describe('mien train-head', () => {
  it('trains a head on triplets, reports each epoch, is deterministic, and the pipeline embeds with it', () => {
    const dir = scratchDir();
    const train = join(dir, 'train.csv'), validation = join(dir, 'validation.csv'), cache = join(dir, 'cache');
    writeFileSync(train, crossPersonCsv(['001', '002', '004', '005']));
    writeFileSync(validation, crossPersonCsv(['003', '006', '009']));
    const args = (out: string): string[] => ['train-head', train, '--images', FIXTURES, '--validation', validation, '--out', out, '--epochs', '3', '--seed', '5', '--cache', cache];
    const first = mien(...args(join(dir, 'a.onnx')));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/train\.csv: 24 triplets/);
    const epochs = first.stdout.trim().split('\n');
    expect(epochs).toHaveLength(3);
    for (const line of epochs) expect(line).toMatch(/^epoch +\d+ +loss \d+\.\d{4} +validation accuracy [01]\.\d{3}$/);
    // The second run reads the cached features and must give the very same head.
    const second = mien(...args(join(dir, 'b.onnx')));
    expect(second.status, second.stderr).toBe(0);
    expect(readFileSync(join(dir, 'b.onnx'))).toEqual(readFileSync(join(dir, 'a.onnx')));

    process.env.MIEN_EXPRESSION_HEAD = join(dir, 'a.onnx');
    try {
      const evaluated = mien('eval-fec', validation, '--images', FIXTURES, '--json');
      expect(evaluated.status, evaluated.stderr).toBe(0);
      expect(JSON.parse(evaluated.stdout)).toMatchObject({ rows: 12, skipped: 0 });
      const faces = mien('faces', fixture('faces/astronaut.png'), '--embeddings');
      expect(faces.status, faces.stderr).toBe(0);
      expect(JSON.parse(faces.stdout).faces[0].expressionEmbedding).toHaveLength(16);
    } finally {
      delete process.env.MIEN_EXPRESSION_HEAD;
    }
  }, 300_000);
});
