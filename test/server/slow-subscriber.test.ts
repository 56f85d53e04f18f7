import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MienEvent } from '../../src/events/events.js';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { scratchDir } from '../support/fixtures.js';
import { subscriber, until } from '../support/server.js';

let runtime: AnalysisRuntime;
beforeAll(async () => {
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
});
afterAll(() => runtime?.close());

const face = (i: number): MienEvent => ({
  kind: 'face', stream: 'load', pts: i / 25, wallTime: new Date().toISOString(), identity: i % 7, track: i % 7, box: [10, 20, 110, 140], accepted: true, reasons: [], sharpness: 6.5, yaw: 3.2, expression: 'neutral',
});

describe('a subscriber that never reads', () => {
  it('costs the server a bounded buffer, loses only its own oldest events, and slows no one else', async () => {
    const server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), subscriberBuffer: 1000 } }), { runtime });
    try {
      const url = `${server.url.replace('http', 'ws')}/events`;
      const reader = await subscriber(url, { kinds: ['face'] });
      const stalled = await subscriber(url, { kinds: ['face'] });
      // The stalled client stops reading its socket: the kernel buffers fill, then the server's.
      (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

      const total = 60_000;
      const publish = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          server.bus.publish(face(i));
          if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
        }
      };
      await publish(0, 10_000);
      global.gc?.();
      const before = process.memoryUsage().rss;
      await publish(10_000, total);
      await until(() => reader.messages.filter((m) => m.type === 'event').length === total, 120_000);
      global.gc?.();
      const growth = (process.memoryUsage().rss - before) / 1024 / 1024;
      console.log(`RSS growth while 50000 more events passed a stalled subscriber: ${growth.toFixed(1)} MB`);

      // The reader got every event, in order.
      const pts = reader.messages.filter((m) => m.type === 'event').map((m) => (m.event as MienEvent).pts);
      expect(pts).toEqual(Array.from({ length: total }, (_, i) => i / 25));
      // The stalled client's queue is held at its buffer size.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const queued = Number(/^mien_websocket_queued_messages (\d+)/m.exec(metrics)?.[1]);
      expect(queued).toBeLessThanOrEqual(1000);
      expect(Number(/^mien_websocket_dropped_messages_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      // Informational: this process also holds the reading client's 60000 parsed messages.
      expect(growth).toBeLessThan(100);

      // Once it reads again, it is told how many it lost, and the rest arrive.
      (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      await until(() => stalled.messages.some((m) => m.type === 'dropped'), 30_000);
      const dropped = stalled.messages.filter((m) => m.type === 'dropped').reduce((n, m) => n + (m.count as number), 0);
      await until(() => stalled.messages.filter((m) => m.type === 'event').length + dropped >= total, 30_000);
      expect(dropped).toBeGreaterThan(0);
      expect(stalled.messages.filter((m) => m.type === 'event').length + dropped).toBe(total);
      for (const client of [reader, stalled]) client.socket.close();
    } finally {
      await server.close();
    }
  }, 240_000);
});

