/**
 * What `mien serve` survives, as its own process on loopback, with real clients:
 *
 *   --kills N     kill -9 during analysis N times (default 20): after each, SQLite's integrity
 *                 check, every event a WebSocket subscriber was sent is in the store, and the
 *                 time until the kept stream is analysed again after the restart;
 *   --rtsp N      an RTSP camera (gst-rtsp-server) killed and brought back N times (default 10):
 *                 time from its return to the stream analysing again; the server's open file
 *                 descriptors and threads after each return;
 *   --soak MIN    MIN minutes (default 10) with three streams and a subscriber that never reads:
 *                 the server's RSS each minute, and the last minute's over the first's.
 *
 *   npx tsx bench/faults.ts [--kills 20] [--rtsp 10] [--soak 10]   (a part with 0 is skipped)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { MienEvent } from '../src/events/events.js';
import type { StreamInfo } from '../src/server/api-types.js';
import { databasePath } from '../src/store/database.js';
import { freePort, RtspServer } from '../test/ingest/rtsp-server.js';
import { fixture, scratchDir } from '../test/support/fixtures.js';
import { api, until } from '../test/support/server.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../test/support/server-process.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '20' }, rtsp: { type: 'string', default: '10' }, soak: { type: 'string', default: '10' } } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(2);

const serve = (dataDir: string) => startServerProcess(['--port', '0', '--data', dataDir], { MIEN_MEDIA_ROOT: fixture('video') });

async function stream(server: ServerProcess, id: string): Promise<StreamInfo | undefined> {
  const { status, body } = await api(server.url).get(`/api/streams/${id}`);
  return status === 200 ? (body as StreamInfo) : undefined;
}

/** Resolves once `id` has analysed more frames than `after`; the time it took, ms. */
async function analysing(server: ServerProcess, id: string, after = 0, timeoutMs = 60_000): Promise<number> {
  const start = Date.now();
  await until(async () => ((await stream(server, id))?.framesAnalysed ?? 0) > after, timeoutMs, 50);
  return Date.now() - start;
}

/** Every event a subscriber is sent, as the text that identifies it. */
function subscribe(server: ServerProcess, filter: Record<string, unknown> = {}): Promise<{ socket: WebSocket; received: Set<string> }> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/events`);
  const received = new Set<string>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; event?: MienEvent };
    if (message.type === 'event' && message.event) received.add(eventKey(message.event));
  });
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', ...filter }));
      resolve({ socket, received });
    });
    socket.once('error', reject);
  });
}

const eventKey = (e: MienEvent): string => JSON.stringify([e.kind, e.stream, e.pts, e.wallTime, 'identity' in e ? e.identity : null, 'tag' in e ? e.tag : null, 'status' in e ? e.status : null]);

async function kills(rounds: number): Promise<void> {
  const dataDir = scratchDir();
  let server = await serve(dataDir);
  // Kept across restarts: it plays again by itself each time.
  await api(server.url).send('POST', '/api/streams', { kind: 'file', id: 'debate', path: 'two-people-cremad-grid.mp4', loop: true });
  await analysing(server, 'debate');
  const backTimes: number[] = [];
  let sent = 0, missing = 0, damaged = 0;
  for (let round = 1; round <= rounds; round++) {
    const { received } = await subscribe(server);
    await sleep(1000 + Math.random() * 3000);
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    const db = new Database(databasePath(dataDir), { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    const stored = new Set((db.prepare('SELECT body FROM event').all() as { body: string }[]).map((row) => eventKey(JSON.parse(row.body) as MienEvent)));
    db.close();
    const lost = [...received].filter((key) => !stored.has(key)).length;
    sent += received.size;
    missing += lost;
    if (integrity !== 'ok') damaged++;
    const started = Date.now();
    server = await serve(dataDir);
    await analysing(server, 'debate');
    backTimes.push(Date.now() - started);
    console.log(`kill ${round}: integrity ${String(integrity)}; ${received.size} events sent over WebSocket, ${lost} not in the store; analysing again ${seconds(backTimes.at(-1)!)} s after the restart began`);
  }
  await stopServerProcess(server.process);
  console.log(`kill -9 x${rounds}: integrity failures ${damaged}; events sent ${sent}, missing from the store ${missing}; back to analysing: median ${seconds(median(backTimes))} s, worst ${seconds(Math.max(...backTimes))} s`);
}

/** Open file descriptors and threads of a process (Linux /proc). */
function handles(pid: number): { fds: number; threads: number } {
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  return { fds: readdirSync(`/proc/${pid}/fd`).length, threads };
}

async function rtsp(rounds: number): Promise<void> {
  const camera = new RtspServer(await freePort(), fixture('video/cremad-1001-six-emotions.mp4'));
  await camera.start();
  const server = await serve(scratchDir());
  await api(server.url).send('POST', '/api/streams', { kind: 'rtsp', id: 'camera', url: camera.url });
  await analysing(server, 'camera');
  const pid = server.process.pid!;
  const first = handles(pid);
  const backTimes: number[] = [];
  let last = first;
  for (let round = 1; round <= rounds; round++) {
    camera.kill();
    await until(async () => (await stream(server, 'camera'))?.status !== 'playing', 30_000, 50);
    await sleep(1000);
    const before = (await stream(server, 'camera'))!.framesAnalysed;
    await camera.start();
    backTimes.push(await analysing(server, 'camera', before));
    last = handles(pid);
    console.log(`camera back ${round}: analysing again after ${seconds(backTimes.at(-1)!)} s; fds ${last.fds}, threads ${last.threads}`);
  }
  camera.kill();
  await stopServerProcess(server.process);
  console.log(`RTSP camera killed and restored x${rounds}: back to analysing median ${seconds(median(backTimes))} s, worst ${seconds(Math.max(...backTimes))} s; fds ${first.fds} -> ${last.fds}, threads ${first.threads} -> ${last.threads}`);
}

async function soak(minutes: number): Promise<void> {
  const server = await serve(scratchDir());
  const http = api(server.url);
  await http.send('POST', '/api/streams', { kind: 'file', id: 'debate', path: 'two-people-cremad-grid.mp4', loop: true });
  await http.send('POST', '/api/streams', { kind: 'file', id: 'actor', path: 'cremad-1001-six-emotions.mp4', loop: true });
  await http.send('POST', '/api/streams', { kind: 'test', id: 'bars', pattern: 'ball' });
  const stalled = await subscribe(server);
  // It stops reading: the kernel's buffers fill, then the server's bounded queue for it.
  (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  const rss = (): number => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))![1]) / 1024;
  const samples: number[] = [];
  for (let minute = 1; minute <= minutes; minute++) {
    await sleep(60_000);
    samples.push(rss());
    const streams = ((await http.get('/api/streams')).body as { streams: StreamInfo[] }).streams;
    console.log(`minute ${minute}: RSS ${samples.at(-1)!.toFixed(0)} MiB; analysed ${streams.map((s) => `${s.id} ${s.framesAnalysed}`).join(', ')}`);
  }
  stalled.socket.terminate();
  await stopServerProcess(server.process);
  console.log(`soak ${minutes} min, 3 streams, a stalled subscriber: RSS minute ${minutes} / minute 1 = ${(samples.at(-1)! / samples[0]).toFixed(3)} (${samples[0].toFixed(0)} -> ${samples.at(-1)!.toFixed(0)} MiB)`);
}

if (Number(values.kills) > 0) await kills(Number(values.kills));
if (Number(values.rtsp) > 0) await rtsp(Number(values.rtsp));
if (Number(values.soak) > 0) await soak(Number(values.soak));
