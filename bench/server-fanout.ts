/**
 * WebSocket fan-out under load: 200 subscribers on loopback, events published on the server's
 * bus as fast as it takes them. Prints delivered events per second (all subscribers together),
 * p50/p95/p99 delivery latency, and whether every subscriber got every event in order. Clients
 * run in this same process, so the figures include their parsing.
 *
 *   npx tsx bench/server-fanout.ts [--subscribers 200] [--events 5000]
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { AnalysisRuntime } from '../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../src/runtime/settings.js';
import { loadConfig } from '../src/server/config.js';
import { MienServer } from '../src/server/server.js';
import { scratchDir } from '../test/support/fixtures.js';

const { values } = parseArgs({ options: { subscribers: { type: 'string', default: '200' }, events: { type: 'string', default: '5000' } } });
const subscribers = Number(values.subscribers), total = Number(values.events);

const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
const server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), subscriberBuffer: 100_000 } }), { runtime });
const origin = performance.now();
const latencies: number[] = [];
let inOrder = true;
const received = new Array<number>(subscribers).fill(0);
const connecting = performance.now();
const clients = await Promise.all(
  Array.from({ length: subscribers }, (_, k) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/events`);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', kinds: ['identity-created'] })));
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string; event?: { identity: number; pts: number } };
        if (message.type === 'subscribed') return resolve(ws);
        if (message.type !== 'event' || !message.event) return;
        if (message.event.identity !== received[k]) inOrder = false;
        received[k]++;
        latencies.push(performance.now() - origin - message.event.pts * 1000);
      });
      ws.on('error', reject);
    }),
  ),
);

const connected = performance.now() - connecting;

const started = performance.now();
for (let i = 0; i < total; i++) {
  // pts carries the send time (seconds since origin) for the latency measurement.
  server.bus.publish({ kind: 'identity-created', stream: 'bench', pts: (performance.now() - origin) / 1000, wallTime: new Date().toISOString(), identity: i });
  if (i % 100 === 99) await new Promise((r) => setImmediate(r));
}
const deadline = Date.now() + 120_000;
while (received.some((n) => n < total) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
const seconds = (performance.now() - started) / 1000;
const delivered = received.reduce((a, b) => a + b, 0);
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
console.log(`subscribers ${subscribers}, events published ${total}; all connected and subscribed in ${connected.toFixed(0)} ms`);
console.log(`delivered ${delivered} of ${subscribers * total} (every subscriber got every event: ${received.every((n) => n === total)}, in order: ${inOrder})`);
console.log(`published ${(total / seconds).toFixed(0)} events/s; delivered ${(delivered / seconds).toFixed(0)} messages/s`);
console.log(`delivery latency ms: p50 ${q(0.5)}, p95 ${q(0.95)}, p99 ${q(0.99)}`);
for (const ws of clients) ws.close();
await server.close();
await runtime.close();
