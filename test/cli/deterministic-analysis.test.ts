import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MienEvent } from '../../src/events/events.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

/** A file's events as `mien analyze` writes them, less the wall times (when each frame was read). */
function eventsOf(out: string): Omit<MienEvent, 'wallTime'>[] {
  return readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { wallTime: _, ...event } = JSON.parse(line) as MienEvent;
      return event;
    });
}

/** The clip issue 19 found giving two different event streams in six runs (VP6 in FLV: a slower decoder). */
const CLIP = 'video/cremad/1001_DFA_HAP_XX.flv';

describe('mien analyze on a file', () => {
  it('gives the same events every time: five runs, one of them beside busy loops on both cores', async () => {
    const dir = scratchDir();
    const refs = join(dir, 'mien.db');
    // A reference, so that tag events are compared too.
    expect(mien('refs', 'add', fixture('faces/london/002_08.jpg'), '--tag', 'smile', '--db', refs).status).toBe(0);
    const runs: Omit<MienEvent, 'wallTime'>[][] = [];
    for (let run = 0; run < 5; run++) {
      const out = join(dir, `events-${run}.jsonl`);
      // Decoding then falls behind the analysis now and then: batches cut by the clock would differ.
      const busy = run === 2 ? [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })) : [];
      try {
        // Each run is a process of its own: the first is as cold as any.
        const result = mien('analyze', fixture(CLIP), '--refs', refs, '--out', out);
        expect(result.status, result.stderr).toBe(0);
      } finally {
        for (const loop of busy) loop.kill();
      }
      runs.push(eventsOf(out));
    }
    expect(runs[0].filter((e) => e.kind === 'face').length).toBeGreaterThan(5);
    expect(runs[0].some((e) => e.kind === 'tag-start')).toBe(true);
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
  }, 600_000);
});

