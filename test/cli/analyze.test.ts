import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventProblems } from '../../src/events/validate.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

describe('mien analyze', () => {
  it('analyses a video file: events as JSON lines, a table per person, and the table as JSON', () => {
    const dir = scratchDir();
    const [db, events, summary] = ['mien.db', 'events.jsonl', 'summary.json'].map((f) => join(dir, f));
    const run = mien('analyze', fixture('video/two-people-grid.mp4'), '--refs', db, '--fps', '5', '--out', events, '--summary-json', summary);
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
    const run = mien('analyze', join(scratchDir(), 'missing.mp4'), '--refs', join(scratchDir(), 'mien.db'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing\.mp4: .*no such file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
