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

describe('loadConfig: mediaRoot and allowedOrigins', () => {
  it('has no media root and no other origins by default', () => {
    const config = loadConfig({ env: {} });
    expect(config.mediaRoot).toBeUndefined();
    expect(config.allowedOrigins).toEqual([]);
  });

  it('takes a media root that is a folder, as an absolute path, and refuses one that is not', () => {
    const dir = scratchDir();
    expect(loadConfig({ env: { MIEN_MEDIA_ROOT: dir } }).mediaRoot).toBe(dir);
    writeFileSync(join(dir, 'a-file'), '');
    expect(() => loadConfig({ env: { MIEN_MEDIA_ROOT: join(dir, 'a-file') } })).toThrow(/mediaRoot must be a folder that exists/);
    expect(() => loadConfig({ env: { MIEN_MEDIA_ROOT: join(dir, 'none') } })).toThrow(/mediaRoot must be a folder that exists/);
  });

  it('reads origins from the environment (comma-separated) or the file (a list), and refuses what is not an origin', () => {
    expect(loadConfig({ env: { MIEN_ALLOWED_ORIGINS: 'https://desk.example, http://127.0.0.1:3000' } }).allowedOrigins).toEqual(['https://desk.example', 'http://127.0.0.1:3000']);
    const file = join(scratchDir(), 'mien.json');
    writeFileSync(file, JSON.stringify({ allowedOrigins: ['https://desk.example'] }));
    expect(loadConfig({ env: {}, file }).allowedOrigins).toEqual(['https://desk.example']);
    expect(() => loadConfig({ env: { MIEN_ALLOWED_ORIGINS: 'https://desk.example/path' } })).toThrow(/not an origin.*desk\.example\/path/);
    writeFileSync(file, JSON.stringify({ allowedOrigins: 'https://desk.example' }));
    expect(loadConfig({ env: {}, file }).allowedOrigins).toEqual(['https://desk.example']);
    writeFileSync(file, JSON.stringify({ allowedOrigins: [1] }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/allowedOrigins must be a list of origins/);
  });
});
