import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDirectory } from '../../src/store/data-lock.js';
import { DataDirectoryInUseError } from '../../src/store/errors.js';
import { mien } from '../support/cli.js';
import { scratchDir } from '../support/fixtures.js';

/** The pid of a process that has ended. */
const endedPid = (): number => Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());

describe('the data directory lock', () => {
  it('is held by one process at a time: another is refused with the holder\'s pid', () => {
    const dir = scratchDir();
    const lock = lockDataDirectory(dir);
    expect(readFileSync(join(dir, 'mien.lock'), 'utf8').trim()).toBe(String(process.pid));
    // A second mien serve on the same directory, as its own process.
    const second = mien('serve', '--data', dir, '--port', '0');
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`data directory .* is in use by process ${process.pid}`));
    lock.release();
    lock.release();
    expect(existsSync(join(dir, 'mien.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'mien.lock'), `${endedPid()}\n`);
    const lock = lockDataDirectory(dir);
    expect(readFileSync(join(dir, 'mien.lock'), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('refuses a lock held by another running process', () => {
    const dir = scratchDir();
    // pid 1 runs on every Linux machine.
    writeFileSync(join(dir, 'mien.lock'), '1\n');
    expect(() => lockDataDirectory(dir)).toThrow(DataDirectoryInUseError);
    expect(() => lockDataDirectory(dir)).toThrow(/in use by process 1 /);
  });
});
