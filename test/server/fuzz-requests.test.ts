import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PATTERNS } from '../../src/ingest/test-patterns.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { scratchDir } from '../support/fixtures.js';
import { api } from '../support/server.js';

// Fuzzing a real server on loopback: whatever a client sends, the answer is a success or a 4xx
// with a sentence, never a 500, and the server stays up. Bounded (a few hundred requests) for CI.

let runtime: AnalysisRuntime;
let server: MienServer;
let mediaRoot: string;
beforeAll(async () => {
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
  mediaRoot = scratchDir();
  mkdirSync(join(mediaRoot, 'clips'));
  writeFileSync(join(mediaRoot, 'clips', 'not-a-video.mp4'), 'plain text, not a video');
  server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), mediaRoot, maxUploadBytes: 64 * 1024 } }), { runtime, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  await runtime?.close();
});

const ROUTES = [
  ['GET', '/api/streams'], ['POST', '/api/streams'], ['GET', '/api/streams/:id'], ['DELETE', '/api/streams/:id'], ['GET', '/api/streams/:id/preview.jpg'],
  ['GET', '/api/references'], ['POST', '/api/references'], ['DELETE', '/api/references/:id'], ['GET', '/api/references/:id/crop.png'],
  ['GET', '/api/identities'], ['GET', '/api/identities/:id'], ['PATCH', '/api/identities/:id'], ['POST', '/api/identities/:id/merge'],
  ['POST', '/api/identities/:id/reference'], ['GET', '/api/identities/:id/thumbnail.jpg'], ['GET', '/api/events'], ['GET', '/readyz'], ['GET', '/metrics'],
] as const;

/** Path segments: ids, numbers, traversal, bad escapes, and any text (escaped or raw where HTTP allows it). */
const segment = fc.oneof(
  fc.constantFrom('0', '1', '-1', '1e3', '99999999999999999999', 'stream-1', '..', '%2e%2e', '%zz', '%', '%00', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => s.replace(/[^\x21-\xff]|[/?#]/g, '')),
);
const QUERY_NAMES = ['tag', 'threshold', 'name', 'kind', 'from', 'until', 'after', 'limit', 'stream', 'identity', 'token'];
const query = fc.oneof(
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 6 })), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '0.5', 'NaN', 'Infinity', '1e309', 'face', '2026-13-45T99:00:00Z'))), { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom('tag=%', 'threshold=%zz', 'kind=bogus', 'limit=99999999999999999999', 'after=-1'),
);
/** Stream requests close to valid: each kind with its own fields, values good and bad. */
const streamRequest = fc.oneof(
  fc.record({ kind: fc.constant('test'), pattern: fc.constantFrom(...TEST_PATTERNS, 'ball ! filesink location=x'), id: fc.constantFrom('t1', 't2', 'bad id!') }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constantFrom('file', 'still'), path: fc.constantFrom('clips/not-a-video.mp4', 'clips', 'none.mp4', '../outside.mp4', '/etc/hostname', 'clips/../clips/not-a-video.mp4', '%2e%2e/x'), loop: fc.boolean() }, { requiredKeys: ['kind', 'path'] }),
  fc.record({ kind: fc.constant('rtsp'), url: fc.constantFrom('rtsp://127.0.0.1:1/none', 'rtsp://', 'rtsp://a b', 'rtsp://host/" ! filesink location=x'), transport: fc.constantFrom('tcp', 'udp', 'sctp'), latencyMs: fc.integer({ min: -5, max: 70_000 }) }, { requiredKeys: ['kind', 'url'] }),
  fc.record({ kind: fc.constant('rtp'), sdp: fc.constantFrom('v=0', 'v=0\r\nm=video 0 RTP/AVP 96', 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 5998 RTP/AVP 96\r\na=rtpmap:96 H264/90000', 'v=0\r\nm=video 5998 RTP/AVP 96\r\na=rtpmap:96 H264 ! x/90000') }),
  fc.record({ kind: fc.constant('whip'), id: fc.constantFrom('w1', 'publisher', '') }, { requiredKeys: ['kind'] }),
);
const jsonish = fc.oneof(
  streamRequest,
  fc.dictionary(
    fc.constantFrom('kind', 'path', 'url', 'sdp', 'pattern', 'id', 'loop', 'name', 'from', 'latencyMs', '__proto__'),
    fc.oneof(fc.constantFrom('file', 'still', 'rtsp', 'rtp', 'whip', 'bogus', ...TEST_PATTERNS, 'clips/not-a-video.mp4', '../../etc/hostname', 'rtsp://', 'v=0', null), fc.string({ maxLength: 30 }), fc.integer()),
    { maxKeys: 4 },
  ),
  fc.jsonValue({ maxDepth: 3 }),
).map((v) => JSON.stringify(v));
const body = fc.oneof(
  fc.constant(undefined),
  { weight: 3, arbitrary: jsonish },
  jsonish.map((text) => text.slice(0, Math.max(0, text.length - 1))),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.string({ maxLength: 10 }), fc.uint8Array({ maxLength: 200 })).map(([name, bytes]) => Buffer.concat([Buffer.from(`--b\r\nContent-Disposition: form-data; name="${name}"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), Buffer.from(bytes), Buffer.from('\r\n--b--\r\n')])),
);
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'image/jpeg', 'image/png', 'application/octet-stream', 'multipart/form-data; boundary=b', 'multipart/form-data', 'application/sdp', 'x/y; z');

/** Mostly what the route expects, so that requests get past routing and headers to the parsers behind. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: other });
const fuzzRequest = fc.record({
  // A third of them add streams: the paths, URLs and SDPs behind that route are the riskiest input.
  route: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...ROUTES) }, { weight: 1, arbitrary: fc.constant(ROUTES[1]) }),
  method: mostly(fc.constant(undefined), fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD')),
  id: mostly(fc.constantFrom('0', '1', 'stream-1', 'publisher'), segment),
  tail: mostly(fc.constant(undefined), segment),
  query,
  body,
  contentType: mostly(fc.constant('application/json'), contentType),
  origin: mostly(fc.constant(undefined), fc.constantFrom('http://evil.example', 'null')),
});

function send(url: string, method: string, path: string, headers: Record<string, string>, payload?: string | Buffer): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    // Content-Length always: Node frames a DELETE's body by nothing else.
    const framed = payload === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(payload)) };
    const req = request(`${url}${path}`, { method, headers: framed }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the server under fuzzed requests', () => {
  it('answers every request with a success or a 4xx and a sentence, never a 500, and stays up', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async ({ route, method, id, tail, query: q, body: payload, contentType: type, origin }) => {
        const path = route[1].replace(':id', id) + (tail === undefined ? '' : `/${tail}`) + (q ? `?${q}` : '');
        const headers: Record<string, string> = { ...(type && { 'content-type': type }), ...(origin && { origin }) };
        const verb = method ?? route[0];
        const answer = await send(server.url, verb, path, headers, verb === 'GET' || verb === 'HEAD' ? undefined : payload);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${verb} ${path} -> ${answer.text}`).toBeLessThan(500);
        if (answer.status >= 400 && verb !== 'HEAD') {
          expect(answer.type).toMatch(/^application\/json/);
          expect((JSON.parse(answer.text) as { error: string }).error.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 400 },
    );
    // The fuzz reached past the front door: refusals of several kinds, and some successes.
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect((await api(server.url).get('/healthz')).status).toBe(200);
    expect(readdirSync(mediaRoot).sort()).toEqual(['clips']);
    const { streams } = (await api(server.url).get('/api/streams')).body as { streams: { id: string }[] };
    for (const stream of streams) await api(server.url).send('DELETE', `/api/streams/${encodeURIComponent(stream.id)}`);
  }, 120_000);

  it('answers what is not HTTP/1.1 with a 4xx and a sentence', async () => {
    const { hostname, port } = new URL(server.url);
    for (const [raw, status] of [
      ['GARBAGE\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n', 400],
      [`GET / HTTP/1.1\r\nHost: localhost\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ] as const) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.end(raw));
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.on('error', reject);
      });
      expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`);
      expect(answer).toMatch(/\{"error":"the request is not valid HTTP\/1.1 \(HPE_[A-Z_]+\): .+"\}$/);
    }
  });

  it('answers every WHIP offer with 201 or a 4xx, never a 500', async () => {
    const slot = (await api(server.url).send('POST', '/api/streams', { kind: 'whip', id: 'publisher' })).body as { source: string };
    const endpoint = slot.source.replace(/^WHIP /, '');
    const line = fc.oneof(
      fc.constantFrom('m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'a=setup:actpass', 'a=mid:0', 'a=ice-ufrag:x', 'a=fingerprint:sha-256 00', 'c=IN IP4 0.0.0.0', 'm=audio 9 RTP/AVP 0', 'a=group:BUNDLE 0'),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    const offer = fc.tuple(fc.constantFrom('v=0', 'v=1', ''), fc.array(line, { maxLength: 8 })).map(([head, lines]) => [head, ...lines].join('\r\n'));
    await fc.assert(
      fc.asyncProperty(offer, fc.constantFrom('application/sdp', 'text/plain'), async (sdp, type) => {
        const { pathname, origin } = new URL(endpoint);
        const answer = await send(origin, 'POST', pathname, { 'content-type': type }, sdp);
        expect(answer.status, `${JSON.stringify(sdp)} -> ${answer.text}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await api(server.url).send('DELETE', '/api/streams/publisher');
  }, 60_000);

  it('answers every WebSocket message with "subscribed" or an error, and keeps the connection', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/events`);
    const replies: { type: string }[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(data.toString()) as { type: string }));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    const message = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.dictionary(fc.constantFrom('type', 'streams', 'kinds', 'tags', 'identities', 'x'), fc.oneof(fc.constant('subscribe'), fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    );
    const messages = fc.sample(message, { numRuns: 300, seed: 7 });
    for (const m of messages) socket.send(m);
    const deadline = Date.now() + 20_000;
    while (replies.length < messages.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replies).toHaveLength(messages.length);
    for (const reply of replies) expect(['subscribed', 'error']).toContain(reply.type);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  }, 60_000);
});
