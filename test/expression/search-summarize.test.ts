import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/ingest/image-file.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

const VIDEO = fixture('video/cremad-1001-six-emotions.mp4');
// Each run analyses the whole video on the CPU: tens of seconds on a busy 2-core machine.

/** The happy clip's time span, from the video's segments CSV. */
const [happyStart, happyEnd] = readFileSync(fixture('video/cremad-1001-six-emotions.segments.csv'), 'utf8')
  .split('\n')
  .find((line) => line.includes(',happy,'))!
  .split(',')
  .slice(5, 7)
  .map(Number);

describe('mien search', () => {
  it('finds the CREMA-D man\'s smiles with a smiling London face as the query', async () => {
    const sheet = join(scratchDir(), 'search.png');
    const run = mien('search', VIDEO, '--query', fixture('faces/london/001_08.jpg'), '--top', '10', '--out', sheet, '--json');
    expect(run.status, run.stderr).toBe(0);
    const { results, facesSearched } = JSON.parse(run.stdout) as { results: { rank: number; identity: number | null; time: number; distance: number }[]; facesSearched: number };
    expect(facesSearched).toBeGreaterThan(100);
    expect(results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const distances = results.map((r) => r.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    const inHappyClip = results.filter((r) => r.time >= happyStart && r.time <= happyEnd);
    expect(inHappyClip.length).toBeGreaterThanOrEqual(6);
    // The query and ten faces, drawn.
    const drawn = await readImageFile(sheet);
    expect(drawn.width).toBeGreaterThanOrEqual(5 * 160);
    expect(drawn.height).toBeGreaterThanOrEqual(3 * 160);
  }, 300_000);
});

describe('mien summarize', () => {
  it('sums the man\'s expressions up in 6 clusters, one face each on a contact sheet', async () => {
    const sheet = join(scratchDir(), 'summary.png');
    const run = mien('summarize', VIDEO, '--clusters', '6', '--fps', '5', '--out', sheet, '--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { identity: number; faces: number; clusters: { size: number; representative: number; first: number; last: number }[] };
    expect(summary.clusters).toHaveLength(6);
    expect(summary.clusters.reduce((n, c) => n + c.size, 0)).toBe(summary.faces);
    for (const c of summary.clusters) expect(c.representative).toBeGreaterThanOrEqual(c.first);
    const drawn = await readImageFile(sheet);
    expect(drawn.width).toBeGreaterThanOrEqual(3 * 160);
    expect(drawn.height).toBeGreaterThanOrEqual(2 * 160);

    const unknown = mien('summarize', VIDEO, '--identity', '99', '--fps', '2', '--out', sheet);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no identity 99/);
  }, 300_000);
});
