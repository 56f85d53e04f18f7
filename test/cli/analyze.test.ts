import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventProblems } from '../../src/events/validate.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { mien } from '../support/cli.js';
import { until } from '../support/server.js';
import { fixture, scratchDir } from '../support/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An empty reference database: people are found and counted, nothing tagged. */
function emptyReferences(): string {
  const path = join(scratchDir(), 'mien.db');
  openMienDatabase(path).close();
  return path;
}

describe('mien analyze', () => {
  it('analyses a video file: events as JSON lines, a table per person, and the table as JSON', () => {
    const dir = scratchDir();
    const [events, summary] = ['events.jsonl', 'summary.json'].map((f) => join(dir, f));
    const run = mien('analyze', fixture('video/two-people-grid.mp4'), '--refs', emptyReferences(), '--fps', '5', '--out', events, '--summary-json', summary);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/identity\s+faces\s+accepted/);
    const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    for (const line of lines) expect(eventProblems(line)).toEqual([]);
    const table = JSON.parse(readFileSync(summary, 'utf8')) as { identities: { id: number; faces: number; accepted: number }[]; framesAnalysed: number; framesDropped: number };
    expect(table.identities).toHaveLength(2);
    expect(table.framesAnalysed).toBeGreaterThanOrEqual(14);
    expect(table.framesDropped).toBe(0);
    for (const person of table.identities) expect(person.accepted).toBeLessThanOrEqual(person.faces);
  });

  it('says clearly when the source cannot be read', () => {
    const run = mien('analyze', join(scratchDir(), 'missing.mp4'), '--refs', emptyReferences());
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing\.mp4: .*no such file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a reference database that is not there, saying how to add references, and creates none', () => {
    const db = join(scratchDir(), 'typo.db');
    const run = mien('analyze', fixture('video/two-people-grid.mp4'), '--refs', db);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/typo\.db: no such reference database; add custom expressions to it first: mien refs add PICTURE --tag TAG --db/);
    expect(existsSync(db)).toBe(false);
  });

  it('stops reading at the first Ctrl-C, finishes the frames in flight and prints the table', async () => {
    const events = join(scratchDir(), 'events.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'analyze', fixture('video/cremad-1001-six-emotions.mp4'), '--refs', emptyReferences(), '--fps', '5', '--out', events], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Once the first events are written, the analysis is under way: stop it there.
    await until(() => existsSync(events) && readFileSync(events, 'utf8').includes('\n'), 90_000, 100);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/stopping: finishing the frames in flight/);
    expect(stdout).toMatch(/identity\s+faces\s+accepted/);
    const analysed = Number(/frames analysed: (\d+)/.exec(stdout)?.[1]);
    // The whole clip at 5 fps is 64 frames: it stopped before the end.
    expect(analysed).toBeGreaterThan(0);
    expect(analysed).toBeLessThan(60);
  }, 120_000);
});
