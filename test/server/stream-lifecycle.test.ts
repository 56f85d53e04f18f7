import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MienEvent, TagEndEvent } from '../../src/events/events.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { databasePath } from '../../src/store/database.js';
import { EventStore } from '../../src/store/event-store.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { fixture, FIXTURES, scratchDir } from '../support/fixtures.js';
import { api, subscriber, until } from '../support/server.js';

let runtime: AnalysisRuntime;
beforeAll(async () => {
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
});
afterAll(() => runtime?.close());

const start = (dataDir: string) => MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir, mediaRoot: FIXTURES } }), { runtime, log: () => {} });
const smile = () => new Uint8Array(readFileSync(fixture('faces/london/002_08.jpg')));

describe('a stream that ends', () => {
  it('ends its open tags with a reason when removed mid-smile, and a clean stop leaves no tag open in the store', async () => {
    const dataDir = scratchDir();
    const server = await start(dataDir);
    const http = api(server.url);
    const tags = await subscriber(`${server.url.replace('http', 'ws')}/events`, { kinds: ['tag-start', 'tag-end'] });
    expect((await http.send('POST', '/api/references?tag=smile', smile(), { 'content-type': 'image/jpeg' })).status).toBe(201);
    const events = () => tags.messages.filter((m) => m.type === 'event').map((m) => m.event as MienEvent);
    for (const id of ['a', 'b']) expect((await http.send('POST', '/api/streams', { kind: 'still', path: 'faces/london/020_08.jpg', id })).status).toBe(201);
    await until(() => ['a', 'b'].every((id) => events().some((e) => e.kind === 'tag-start' && e.stream === id)), 60_000, 100);
    expect((await http.send('DELETE', '/api/streams/a')).status).toBe(204);
    // On a loaded machine frames are dropped and a segment may end on a gap and start again before:
    // the stream's last tag event is the end its removal gave.
    const lastOfA = () => events().findLast((e) => e.stream === 'a');
    await until(() => lastOfA()?.kind === 'tag-end', 10_000, 50);
    expect(lastOfA()).toMatchObject({ kind: 'tag-end', tag: 'smile', reason: 'the stream was stopped: removed' });
    // Stream b still smiles when the server stops.
    await server.close();
    const db = openMienDatabase(databasePath(dataDir));
    const stored = new EventStore(db).query({ kinds: ['tag-start', 'tag-end'], limit: 1000 }).events;
    db.close();
    const starts = stored.filter((e) => e.kind === 'tag-start');
    const ends = stored.filter((e): e is TagEndEvent => e.kind === 'tag-end');
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(ends).toHaveLength(starts.length);
    expect(ends.findLast((e) => e.stream === 'b')).toMatchObject({ reason: 'the stream was stopped: the server stopped' });
  }, 120_000);

  it('leaves nothing of itself in the analysis: a stream added and removed 100 times', async () => {
    const server = await start(scratchDir());
    const http = api(server.url);
    const analysed = async () => Number(/mien_frames_analysed_total\{stream="churn"\} (\d+)/.exec((await http.get('/metrics')).text)?.[1] ?? 0);
    const rss: number[] = [];
    try {
      for (let round = 0; round < 100; round++) {
        const before = await analysed();
        expect((await http.send('POST', '/api/streams', { kind: 'still', path: 'faces/london/020_08.jpg', id: 'churn' })).status).toBe(201);
        // Once a frame of it was analysed, the analysis holds state for it.
        await until(async () => (await analysed()) > before, 30_000, 20);
        expect((await http.send('DELETE', '/api/streams/churn')).status).toBe(204);
        expect(await server.analysisStreamState()).toEqual({ tracking: 0, expressions: 0, identityTracks: 0, tagging: 0 });
        if (round === 0) {
          // Its series went with it (a removed stream must not look down forever), and the server runs none.
          const metrics = (await http.get('/metrics')).text;
          expect(metrics).not.toContain('stream="churn"');
          expect(metrics).toMatch(/^mien_streams 0$/m);
        }
        if (round % 10 === 9) rss.push(process.memoryUsage().rss);
      }
    } finally {
      await server.close();
    }
    // Flat: the last tenth of the rounds uses no more than a fifth more than the second.
    expect(rss.at(-1)! / rss[1]).toBeLessThan(1.2);
  }, 300_000);
});
