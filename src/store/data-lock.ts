import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirectoryInUseError } from './errors.js';

/** An exclusive claim on a data directory, held until released. */
export interface DataLock {
  release(): void;
}

/**
 * Claims `dataDir` for this process: a lock file holding its pid, created exclusively. One left by
 * a process that no longer runs (killed with -9, a crash) is taken over; one held by a running
 * process is refused with its pid. Two servers on one directory would hand out the same identity
 * ids to different people and interleave their writes.
 */
export function lockDataDirectory(dataDir: string): DataLock {
  const path = join(dataDir, 'mien.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) throw new DataDirectoryInUseError(dataDir, holder);
      // Stale: its process is gone. Remove it and try once more (another starter may win the race).
      unlinkSync(path);
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        try {
          if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      },
    };
  }
  throw new DataDirectoryInUseError(dataDir, Number.parseInt(readFileSync(path, 'utf8'), 10));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
