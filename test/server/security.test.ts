import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { fixture, scratchDir } from '../support/fixtures.js';
import { api, apiProblems } from '../support/server.js';

let runtime: AnalysisRuntime;
beforeAll(async () => {
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
});
afterAll(() => runtime?.close());

/** A GET with a Host header of our choosing (fetch sets its own). */
function withHost(url: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    })
      .on('error', reject)
      .end();
  });
}

/** Every file under `dir`, recursively, as paths relative to it. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('mien serve against an attacker', () => {
  // The default deployment: loopback, no token. The outside world is a folder with a secret in it.
  const outside = scratchDir();
  const secret = join(outside, 'secret.txt');
  const media = scratchDir();
  const dataDir = scratchDir();
  let server: MienServer;

  beforeAll(async () => {
    writeFileSync(secret, 'not for streams\n');
    mkdirSync(join(media, 'clips'));
    copyFileSync(fixture('video/grid/bbaf2n.mp4'), join(media, 'clips', 'grid.mp4'));
    symlinkSync(secret, join(media, 'clips', 'leak.mp4'));
    symlinkSync(outside, join(media, 'elsewhere'));
    server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir, mediaRoot: media } }), { runtime, log: () => {} });
  });
  afterAll(() => server?.close());

  it('refuses pipeline syntax in every field of a stream with 4xx, and no file is written anywhere', async () => {
    const http = api(server.url);
    const copy = (dir: string) => join(dir, 'copied.txt');
    const injections: Record<string, unknown>[] = [
      // The reported one: a test pattern that copies a file.
      { kind: 'test', pattern: `ball ! fakesink filesrc location=${secret} ! filesink location=${copy(outside)} videotestsrc is-live=true` },
      { kind: 'test', pattern: `ball" ! filesink location="${copy(outside)}` },
      { kind: 'test', pattern: `ball\n! filesink location=${copy(outside)}` },
      { kind: 'test', id: `a location=${copy(outside)}` },
      { kind: 'rtsp', url: `rtsp://127.0.0.1:1/x ! filesink location=${copy(outside)}` },
      { kind: 'rtsp', url: `rtsp://127.0.0.1:1/x"!filesink location="${copy(outside)}` },
      { kind: 'rtsp', url: 'rtsp://127.0.0.1:1/x', transport: 'tcp ! filesink' },
      { kind: 'rtsp', url: 'rtsp://127.0.0.1:1/x', latencyMs: -5 },
      { kind: 'rtp', sdp: `v=0\r\nc=IN IP4 127.0.0.1" ! filesink location="${copy(outside)}\r\nm=video 5004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n` },
      { kind: 'rtp', sdp: `v=0\r\nm=video 5004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 x" ! filesink location="y=1\r\n` },
      { kind: 'rtp', sdp: 'garbage' },
      { kind: 'file', path: secret },
      { kind: 'file', path: `../${outside.split('/').at(-1)}/secret.txt` },
      { kind: 'file', path: 'clips/leak.mp4' },
      { kind: 'file', path: 'elsewhere/secret.txt' },
      { kind: 'still', path: `clips/grid.mp4" ! filesink location="${copy(media)}` },
      { kind: 'file', path: 'clips/grid.mp4', location: copy(outside) },
    ];
    for (const body of injections) {
      const res = await http.send('POST', '/api/streams', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(apiProblems('Error', res.body)).toEqual([]);
    }
    // Refusals name the problem.
    expect((await http.send('POST', '/api/streams', injections[0])).body).toMatchObject({ error: expect.stringMatching(/pattern.*must be one of "smpte", "ball"/) });
    expect((await http.send('POST', '/api/streams', { kind: 'file', path: secret })).status).toBe(403);
    expect((await http.send('POST', '/api/streams', { kind: 'file', path: 'clips/leak.mp4' })).body).toMatchObject({ error: expect.stringMatching(/outside the media root/) });
    expect((await http.send('POST', '/api/streams', injections.at(-1))).body).toMatchObject({ error: expect.stringMatching(/unknown field "location"/) });
    expect(((await http.get('/api/streams')).body as { streams: unknown[] }).streams).toEqual([]);
    // Give a pipeline that slipped through time to write.
    await new Promise((r) => setTimeout(r, 1000));
    expect(filesUnder(outside)).toEqual(['secret.txt']);
    expect(filesUnder(media).filter((f) => f.includes('copied'))).toEqual([]);
    expect(existsSync('copied.txt')).toBe(false);
    expect(filesUnder(dataDir).filter((f) => f.includes('copied'))).toEqual([]);
  });

  it('plays a file inside the media root, named relative to it', async () => {
    const http = api(server.url);
    const added = await http.send('POST', '/api/streams', { kind: 'file', path: 'clips/grid.mp4', id: 'grid' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 'grid', kind: 'file', source: join(media, 'clips', 'grid.mp4') });
    expect((await http.send('POST', '/api/streams', { kind: 'file', path: 'clips/none.mp4' })).status).toBe(404);
    expect((await http.send('DELETE', '/api/streams/grid')).status).toBe(204);
  });

  it("changes nothing for a page of another site: no text/plain, no foreign Origin, no foreign Host", async () => {
    const attempt = (headers: Record<string, string>, body = JSON.stringify({ kind: 'test', id: 'drive-by' })) =>
      fetch(`${server.url}/api/streams`, { method: 'POST', headers, body });
    // What a form or fetch of another site can send without asking first.
    expect((await attempt({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await attempt({ 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    expect((await attempt({ 'content-type': 'text/plain;charset=UTF-8', origin: 'null' })).status).toBe(403);
    // A name of the attacker's, rebound to 127.0.0.1: refused for reads too.
    const rebound = await withHost(`${server.url}/api/identities`, 'evil.example:8080');
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/loopback names only/);
    expect((await withHost(`${server.url}/api/identities`, 'localhost')).status).toBe(200);
    expect(((await api(server.url).get('/api/streams')).body as { streams: unknown[] }).streams).toEqual([]);
    // The server's own pages may.
    const own = await attempt({ 'content-type': 'application/json', origin: server.url });
    expect(own.status).toBe(201);
    expect((await api(server.url).send('DELETE', '/api/streams/drive-by')).status).toBe(204);
  });

  it('answers malformed requests with 400 and a sentence, not 500', async () => {
    const http = api(server.url);
    const badEscape = await http.get('/api/identities/%E0%A4%A');
    expect([badEscape.status, (badEscape.body as { error: string }).error]).toEqual([400, expect.stringMatching(/malformed %-escape/)]);
    const badKind = await http.get('/api/events?kind=bogus');
    expect([badKind.status, (badKind.body as { error: string }).error]).toEqual([400, expect.stringMatching(/kind must be one of face, tag-start/)]);
  });

  it('refuses a WebSocket opened by a page of another site', async () => {
    const upgrade = (origin: string) =>
      fetch(`${server.url}/events`, { headers: { origin, upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } }).catch((e: unknown) => e as Error);
    const foreign = await upgrade('https://evil.example');
    expect(foreign instanceof Error || foreign.status === 403).toBe(true);
  });
});

describe('mien serve without a media root', () => {
  it('refuses file and still streams over the API with a sentence', async () => {
    const server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir() } }), { runtime, log: () => {} });
    try {
      const res = await api(server.url).send('POST', '/api/streams', { kind: 'file', path: fixture('video/grid/bbaf2n.mp4') });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: expect.stringMatching(/off until the operator names a media root/) });
    } finally {
      await server.close();
    }
  });
});
