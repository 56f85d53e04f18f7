import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MienEvent, TagEndEvent, TagStartEvent } from '../../src/events/events.js';
import { eventProblems } from '../../src/events/validate.js';
import { POPULATION_REST_START } from '../../src/expression/relative-embedding.js';
import { referenceFace } from '../../src/expression/reference-face.js';
import { readImageFile } from '../../src/ingest/image-file.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { encodePng } from '../../src/render/png.js';
import { databasePath } from '../../src/store/database.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { ReferenceStore } from '../../src/store/reference-store.js';
import { fixture, FIXTURES, scratchDir } from '../support/fixtures.js';
import { api, apiProblems, subscriber, until } from '../support/server.js';

const TOKEN = 'test-token-0123456789';
let runtime: AnalysisRuntime;
let running: MienServer | undefined;

beforeAll(async () => {
  // Shared by the servers of this file; inference timings go to whichever is running.
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {}, onInference: (run) => running?.metrics.observeInference(run) });
});
afterAll(() => runtime?.close());

async function start(dataDir: string): Promise<MienServer> {
  running = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir, token: TOKEN, mediaRoot: FIXTURES } }), { runtime });
  return running;
}

const HAPPY = { start: 2.035, end: 3.904 };

describe('mien serve', () => {
  it('tags a smile on a live video stream, over WebSocket, and keeps everything across a restart', async () => {
    const dataDir = scratchDir();
    let server = await start(dataDir);
    try {
      const http = api(server.url, TOKEN);
      const wsUrl = `${server.url.replace('http', 'ws')}/events?token=${TOKEN}`;
      const tags = await subscriber(wsUrl, { tags: ['smile'], kinds: ['tag-start', 'tag-end'] });
      const everything = await subscriber(wsUrl, {});

      const smile = new Uint8Array(readFileSync(fixture('faces/london/002_08.jpg')));
      const added = await http.send('POST', '/api/references?tag=smile', smile, { 'content-type': 'image/jpeg' });
      expect(added.status).toBe(201);
      expect(apiProblems('Reference', added.body)).toEqual([]);
      const stream = await http.send('POST', '/api/streams', { kind: 'file', path: 'video/cremad-1001-six-emotions.mp4', id: 'cremad' });
      expect(stream.status).toBe(201);
      expect(apiProblems('Stream', stream.body)).toEqual([]);

      const framesAnalysed = async () => Number(/mien_frames_analysed_total\{stream="cremad"\} (\d+)/.exec((await http.get('/metrics')).text)?.[1] ?? 0);
      await until(() => tags.messages.some((m) => m.type === 'event' && (m.event as MienEvent).kind === 'tag-end'), 90_000);
      const early = await framesAnalysed();
      await until(() => (server.streams.get('cremad')?.status ?? 'ended') === 'ended', 90_000);
      // The file has ended; the last frames may still be in analysis: wait for the events to settle.
      let seen = -1;
      await until(() => {
        const settled = seen === everything.messages.length;
        seen = everything.messages.length;
        return settled;
      }, 30_000, 1000);
      expect(await framesAnalysed()).toBeGreaterThan(early);

      const tagEvents = tags.messages.filter((m) => m.type === 'event').map((m) => m.event as MienEvent);
      for (const e of tagEvents) expect(eventProblems(e)).toEqual([]);
      expect(tagEvents.every((e) => (e.kind === 'tag-start' || e.kind === 'tag-end') && e.tag === 'smile')).toBe(true);
      // The first smile segment starts and ends in the happy segment.
      const firstStart = tagEvents.find((e): e is TagStartEvent => e.kind === 'tag-start')!;
      const firstEnd = tagEvents.find((e): e is TagEndEvent => e.kind === 'tag-end')!;
      expect(firstStart.pts).toBeGreaterThanOrEqual(HAPPY.start - 0.5);
      expect(firstStart.pts).toBeLessThanOrEqual(HAPPY.end);
      expect(firstEnd.pts).toBeLessThanOrEqual(HAPPY.end + 0.5);
      // The unfiltered subscriber saw faces too, and every message it got is a valid event.
      const all = everything.messages.filter((m) => m.type === 'event').map((m) => m.event as MienEvent);
      expect(all.some((e) => e.kind === 'face')).toBe(true);
      expect(all.filter((e) => e.kind === 'tag-start')).toHaveLength(tagEvents.filter((e) => e.kind === 'tag-start').length);

      // Prometheus text format: every sample line is `name{labels} value`.
      const metrics = (await http.get('/metrics')).text;
      for (const line of metrics.split('\n').filter((l) => l && !l.startsWith('#'))) {
        const sample = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
        expect(sample, line).not.toBeNull();
        // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case.
        expect(/^([+-]?inf|nan)$/i.test(sample![3]) || Number.isFinite(Number(sample![3])), line).toBe(true);
      }
      expect(metrics).toMatch(/mien_inference_seconds_bucket\{le="0.05",model="face_expression_net.onnx",provider="cpu"\}/);

      const identities = await http.get('/api/identities');
      expect(apiProblems('IdentityList', identities.body)).toEqual([]);
      const people = (identities.body as { identities: { id: number; appearance: Record<string, number> }[] }).identities;
      expect(people).toHaveLength(1);
      expect(people[0].appearance.smile).toBeGreaterThan(0);
      const page = await http.get('/api/events?tag=smile');
      expect(apiProblems('EventPage', page.body)).toEqual([]);
      tags.socket.close();
      everything.socket.close();
      await server.close();

      server = await start(dataDir);
      const again = api(server.url, TOKEN);
      expect(((await again.get('/api/references')).body as { references: unknown[] }).references).toHaveLength(1);
      expect(((await again.get('/api/identities')).body as { identities: { id: number }[] }).identities.map((i) => i.id)).toEqual(people.map((p) => p.id));
      const events = (await again.get('/api/events?tag=smile&kind=tag-start')).body as { events: MienEvent[] };
      expect(events.events).toEqual(tagEvents.filter((e) => e.kind === 'tag-start'));
    } finally {
      await server.close();
    }
  }, 240_000);

  it('leaves a reference made with another embedding unmatched, and says so', async () => {
    const dataDir = scratchDir();
    // The very face the stream shows, stored as if an earlier expression model had made it.
    const face = await referenceFace(runtime.space, await readImageFile(fixture('faces/london/002_08.jpg')), { rest: { kind: 'population', rest: POPULATION_REST_START } });
    const db = openMienDatabase(databasePath(dataDir));
    new ReferenceStore(db).add({ tags: ['smile'], box: [...face.box], embedding: face.embedding, embeddingModel: 'fer7-probabilities', rest: 'none', cropPng: await encodePng(face.crop), source: 'older' });
    db.close();
    const server = await start(dataDir);
    try {
      const http = api(server.url, TOKEN);
      const listed = await http.get('/api/references');
      expect(apiProblems('ReferenceList', listed.body)).toEqual([]);
      expect((listed.body as { references: { matched: boolean }[] }).references.map((r) => r.matched)).toEqual([false]);
      expect((await http.send('POST', '/api/streams', { kind: 'still', path: fixture('faces/london/002_08.jpg'), id: 'still' })).status).toBe(201);
      const people = async () => ((await http.get('/api/identities')).body as { identities: { faces: number; appearance: Record<string, number> }[] }).identities;
      await until(async () => (await people()).some((p) => p.faces >= 10), 60_000, 200);
      expect((await people()).map((p) => p.appearance)).toEqual((await people()).map(() => ({})));
      // The same face added now, with the running embedding, is matched.
      const added = await http.send('POST', '/api/references?tag=smile', new Uint8Array(readFileSync(fixture('faces/london/002_08.jpg'))), { 'content-type': 'image/jpeg' });
      expect((added.body as { matched: boolean }).matched).toBe(true);
      await until(async () => (await people()).some((p) => (p.appearance.smile ?? 0) > 0), 60_000, 200);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses mutations without the token, oversized uploads and non-pictures, changing nothing', async () => {
    const server = await start(scratchDir());
    try {
      const anonymous = api(server.url);
      const owner = api(server.url, TOKEN);
      const picture = new Uint8Array(readFileSync(fixture('faces/london/002_08.jpg')));
      for (const [method, path, body] of [
        ['POST', '/api/references?tag=smile', picture],
        ['POST', '/api/streams', { kind: 'test' }],
        ['DELETE', '/api/references/1', undefined],
        ['PATCH', '/api/identities/0', { name: 'x' }],
      ] as const) {
        const res = await anonymous.send(method, path, body, body instanceof Uint8Array ? { 'content-type': 'image/jpeg' } : {});
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(apiProblems('Error', res.body)).toEqual([]);
      }
      const huge = await owner.send('POST', '/api/references?tag=smile', new Uint8Array(50 * 1024 * 1024), { 'content-type': 'image/jpeg' });
      expect(huge.status).toBe(413);
      expect((huge.body as { error: string }).error).toMatch(/limit/);
      const text = await owner.send('POST', '/api/references?tag=smile', new TextEncoder().encode('no pixels here'), { 'content-type': 'image/jpeg' });
      expect(text.status).toBe(415);
      expect((text.body as { error: string }).error).toMatch(/not a picture/);
      const untagged = await owner.send('POST', '/api/references', picture, { 'content-type': 'image/jpeg' });
      expect(untagged.status).toBe(400);
      expect(((await owner.get('/api/references')).body as { references: unknown[] }).references).toEqual([]);
      expect(((await owner.get('/api/streams')).body as { streams: unknown[] }).streams).toEqual([]);
      const ws = await fetch(`${server.url}/events`, { headers: { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } }).catch((e: unknown) => e as Error);
      expect(ws instanceof Error || ws.status === 401).toBe(true);
      expect((await anonymous.get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await anonymous.get('/readyz')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('with a token, reads need it too (lists, pictures, events), unless reads are opened; changes always do', async () => {
    const reads = ['/api/streams', '/api/identities', '/api/identities/0/thumbnail.jpg', '/api/references', '/api/references/1/crop.png', '/api/events', '/api/streams/cam/preview.jpg'];
    const closed = await start(scratchDir());
    try {
      for (const path of reads) {
        const res = await api(closed.url).get(path);
        expect(res.status, path).toBe(401);
        expect(apiProblems('Error', res.body)).toEqual([]);
        expect((await api(closed.url, TOKEN).get(path)).status, path).not.toBe(401);
      }
      expect((await api(closed.url).get('/healthz')).status).toBe(200);
    } finally {
      await closed.close();
    }
    const open = await MienServer.start(loadConfig({ env: { MIEN_OPEN_READS: '1' }, overrides: { port: 0, dataDir: scratchDir(), token: TOKEN } }), { runtime, log: () => {} });
    try {
      expect((await api(open.url).get('/api/streams')).status).toBe(200);
      expect((await api(open.url).get('/api/events')).status).toBe(200);
      expect((await api(open.url).send('POST', '/api/streams', { kind: 'test' })).status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('reserves a WHIP slot for a WebRTC publisher, and refuses unknown stream kinds', async () => {
    const server = await start(scratchDir());
    try {
      const http = api(server.url, TOKEN);
      const slot = await http.send('POST', '/api/streams', { kind: 'whip', id: 'guest' });
      expect(slot.status).toBe(201);
      expect(apiProblems('Stream', slot.body)).toEqual([]);
      // Publishers post to the server's own port, under its token and origin rules.
      expect(slot.body).toMatchObject({ id: 'guest', kind: 'whip', status: 'connecting', source: `WHIP ${server.url}/whip/guest` });
      const offer = (headers: Record<string, string>) => fetch(`${server.url}/whip/guest`, { method: 'POST', headers: { 'content-type': 'application/sdp', ...headers }, body: 'v=0\r\nnot an offer' });
      const refused = await offer({});
      expect([refused.status, await refused.text()]).toEqual([401, JSON.stringify({ error: 'publishing needs the bearer token (Authorization: Bearer ...)' })]);
      expect((await offer({ authorization: `Bearer ${TOKEN}`, origin: 'https://elsewhere.example' })).status).toBe(403);
      const read = await offer({ authorization: `Bearer ${TOKEN}` });
      expect([read.status, await read.text()]).toEqual([400, 'the offer has no video Mien can receive (VP8 or H.264)\n']);
      expect((await fetch(`${server.url}/whip/guest`, { method: 'OPTIONS' })).status).toBe(204);
      expect((await http.send('POST', '/api/streams', { kind: 'whip', id: 'guest' })).status).toBe(409);
      expect((await http.send('POST', '/api/streams', { kind: 'fax' })).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('answers malformed and oversized WebSocket messages with an error, and stays up', async () => {
    const server = await start(scratchDir());
    try {
      const client = await subscriber(`${server.url.replace('http', 'ws')}/events?token=${TOKEN}`, { kinds: ['telepathy'] });
      expect(client.messages.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/unknown event kind/) });
      client.socket.send('{not json');
      client.socket.send(JSON.stringify({ type: 'subscribe', streams: ['x'.repeat(40_000)] }));
      await until(() => client.messages.filter((m) => m.type === 'error').length >= 3);
      expect(client.messages.map((m) => m.message)).toEqual(expect.arrayContaining([expect.stringMatching(/not valid JSON/), expect.stringMatching(/limited to/)]));
      client.socket.send(JSON.stringify({ type: 'subscribe', kinds: ['identity-created'] }));
      await until(() => client.messages.some((m) => m.type === 'subscribed'));
      server.bus.publish({ kind: 'identity-created', stream: 's', pts: 1, wallTime: new Date().toISOString(), identity: 7 });
      await until(() => client.messages.some((m) => m.type === 'event'));
      client.socket.close();
    } finally {
      await server.close();
    }
  });
});
