import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { scratchDir } from '../support/fixtures.js';

describe('loadConfig: expressionRate', () => {
  it('is unset by default: every analysed face gets its expression', () => {
    expect(loadConfig({ env: {} }).expressionRate).toBeUndefined();
  });

  it('comes from the environment or the file, as a number', () => {
    expect(loadConfig({ env: { MIEN_EXPRESSION_RATE: '2.5' } }).expressionRate).toBe(2.5);
    const file = join(scratchDir(), 'mien.json');
    writeFileSync(file, JSON.stringify({ expressionRate: 5 }));
    expect(loadConfig({ env: {}, file }).expressionRate).toBe(5);
  });

  it('names a rate that is not above 0 and at most 60', () => {
    for (const bad of ['0', '-1', 'often', '61']) {
      expect(() => loadConfig({ env: { MIEN_EXPRESSION_RATE: bad } })).toThrow(/expressionRate must be a number of measurements per second/);
    }
  });
});
