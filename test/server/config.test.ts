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

describe('loadConfig: openReads', () => {
  it('is off by default, and on from the file or the environment', () => {
    expect(loadConfig({ env: {} }).openReads).toBe(false);
    expect(loadConfig({ env: { MIEN_OPEN_READS: '1' } }).openReads).toBe(true);
    const file = join(scratchDir(), 'mien.json');
    writeFileSync(file, JSON.stringify({ openReads: true }));
    expect(loadConfig({ env: {}, file }).openReads).toBe(true);
    expect(() => loadConfig({ env: { MIEN_OPEN_READS: 'yes please' } })).toThrow(/openReads must be true or false/);
  });
});

describe('loadConfig: streams', () => {
  const withStreams = (streams: unknown) => {
    const file = join(scratchDir(), 'mien.json');
    writeFileSync(file, JSON.stringify({ streams }));
    return loadConfig({ env: {}, file });
  };

  it('has none by default', () => {
    expect(loadConfig({ env: {} }).streams).toEqual([]);
  });

  it('takes stream requests as the API does, with their ids, and paths from the working directory', () => {
    const { streams } = withStreams([
      { kind: 'rtsp', id: 'gate', url: 'rtsp://cam.local/stream', transport: 'tcp' },
      { kind: 'file', id: 'loop', path: 'clips/debate.mp4', loop: true },
      { kind: 'whip', id: 'studio' },
    ]);
    expect(streams).toEqual([
      { kind: 'rtsp', id: 'gate', url: 'rtsp://cam.local/stream', transport: 'tcp' },
      { kind: 'file', id: 'loop', path: join(process.cwd(), 'clips/debate.mp4'), loop: true },
      { kind: 'whip', id: 'studio' },
    ]);
  });

  it('names each stream that is wrong: no id, an id twice, a field the API would refuse, not a list', () => {
    const problems = (streams: unknown) => {
      try {
        withStreams(streams);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(problems([{ kind: 'test' }])).toMatch(/streams\[0\] needs an "id"/);
    expect(problems([{ kind: 'test', id: 'a' }, { kind: 'test', id: 'a' }])).toMatch(/streams\[1\]: the id "a" is declared twice/);
    expect(problems([{ kind: 'test', id: 'a', pattern: 'ball ! filesink location=x' }])).toMatch(/streams\[0\] is not a stream request: "pattern" must be one of/);
    expect(problems([{ kind: 'rtsp', id: 'a', url: 'rtsp://cam', colour: 'red' }])).toMatch(/streams\[0\] is not a stream request: unknown field "colour"/);
    expect(problems({ kind: 'test', id: 'a' })).toMatch(/streams must be a list/);
  });
});
