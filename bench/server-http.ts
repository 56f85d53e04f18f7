/**
 * The HTTP layer under load: requests per second and p50/p99 latency of a few routes that stand
 * for the API's kinds of work, with 16 keep-alive connections from a client on its own thread
 * (a worker, so its event loop does not share the server's). What the choice of an HTTP framework
 * is measured by (issue 19): run it on two commits in one sitting and compare the medians.
 *
 *   npx tsx bench/server-http.ts [--seconds 5] [--rounds 3] [--connections 16]
 *
 * Routes: GET /healthz (the floor: routing and sending), GET /api/streams (20 streams listed),
 * GET /api/events?limit=1000 (a large JSON answer), POST /api/streams with a body the schema
 * refuses (reading, validating, a 400). Also: the server's start time (runtime excluded) and RSS.
 */
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { AnalysisRuntime } from '../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../src/runtime/settings.js';
import { loadConfig } from '../src/server/config.js';
import { MienServer } from '../src/server/server.js';
import { scratchDir } from '../test/support/fixtures.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' } } });
const seconds = Number(values.seconds), rounds = Number(values.rounds), connections = Number(values.connections);

interface Load {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

interface LoadResult {
  readonly requests: number;
  /** Answers by status, and failed requests by their error code (ECONNRESET, ...). */
  readonly statuses: Record<string, number>;
  readonly latenciesMs: number[];
}

// Plain JavaScript, so the worker needs no TypeScript loader.
const CLIENT = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const { url, method, body, connections, milliseconds } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
const latencies = [];
const statuses = {};
const end = Date.now() + milliseconds;
function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        latencies.push(performance.now() - started);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        resolve();
      });
    });
    // A reset connection is counted, not fatal: the figures say how often it happened.
    req.on('error', (error) => {
      statuses[error.code || 'error'] = (statuses[error.code || 'error'] || 0) + 1;
      resolve();
    });
    req.end(body);
  });
}
async function loop() { while (Date.now() < end) await once(); }
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  agent.destroy();
  parentPort.postMessage({ requests: latencies.length, statuses, latenciesMs: latencies });
});
`;

function load(url: string, { method, path, body }: Load, milliseconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { url: `${url}${path}`, method, body, connections, milliseconds } });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
const startedAt = performance.now();
const server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir() } }), { runtime, log: () => {} });
const startMs = performance.now() - startedAt;
const rssAtStart = process.memoryUsage().rss;

for (let i = 0; i < 20; i++) server.whip.reserve('api', `slot-${i}`);
for (let i = 0; i < 1000; i++) server.bus.publish({ kind: 'identity-created', stream: 'bench', pts: i / 10, wallTime: new Date().toISOString(), identity: i });
await new Promise((resolve) => setImmediate(resolve));

const loads: Record<string, Load> = {
  'GET /healthz': { method: 'GET', path: '/healthz' },
  'GET /api/streams (20)': { method: 'GET', path: '/api/streams' },
  'GET /api/events?limit=1000': { method: 'GET', path: '/api/events?limit=1000' },
  'POST /api/streams (refused)': { method: 'POST', path: '/api/streams', body: JSON.stringify({ kind: 'rtsp', url: 'rtsp://camera.example/1', location: '/tmp/x' }) },
};

console.log(`server start ${startMs.toFixed(0)} ms (runtime excluded); ${connections} connections, ${rounds} rounds of ${seconds} s per route, medians`);
console.log('route                          req/s    p50 ms   p99 ms   statuses');
for (const [name, spec] of Object.entries(loads)) {
  await load(server.url, spec, 1000);
  const results: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) results.push(await load(server.url, spec, seconds * 1000));
  const perSecond = median(results.map((r) => r.requests / seconds));
  const p50 = median(results.map((r) => quantile([...r.latenciesMs].sort((a, b) => a - b), 0.5)));
  const p99 = median(results.map((r) => quantile([...r.latenciesMs].sort((a, b) => a - b), 0.99)));
  const counted = new Map<string, number>();
  for (const r of results) for (const [status, n] of Object.entries(r.statuses)) counted.set(status, (counted.get(status) ?? 0) + n);
  const statuses = [...counted].map(([status, n]) => `${status}×${n}`).join(' ');
  console.log(`${name.padEnd(30)} ${perSecond.toFixed(0).padStart(6)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)}   ${statuses}`);
}
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
console.log(`RSS ${mib(rssAtStart)} MiB at start, ${mib(process.memoryUsage().rss)} MiB after (models included)`);
await server.close();
await runtime.close();
