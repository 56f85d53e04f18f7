import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisRuntime } from '../../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../../src/runtime/settings.js';
import type { StreamInfo } from '../../src/server/api-types.js';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import { scratchDir } from '../support/fixtures.js';
import { api, apiProblems, until } from '../support/server.js';

let runtime: AnalysisRuntime;
beforeAll(async () => {
  runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
});
afterAll(() => runtime?.close());

/** The value of one metric series in Prometheus text, undefined when the series is not there. */
const series = (metrics: string, name: string): number | undefined => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('frames a stream does not analyse', () => {
  it('a 30 fps camera analysed at 5 fps skips 25 a second as asked, and drops none while the analysis keeps up', async () => {
    const server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), analysisFps: 5 } }), { runtime, log: () => {} });
    const http = api(server.url);
    try {
      // Before its first frame, the per-stream counters exist at 0: rate() and the alerts see them.
      expect((await http.send('POST', '/api/streams', { kind: 'test', pattern: 'smpte', id: 'cam' })).status).toBe(201);
      const first = (await http.get('/metrics')).text;
      for (const counter of ['mien_frames_dropped_total', 'mien_frames_skipped_total', 'mien_frames_analysed_total']) {
        expect(series(first, `${counter}{stream="cam"}`), counter).toBeGreaterThanOrEqual(0);
      }

      const stream = async () => (await http.get('/api/streams/cam')).body as StreamInfo;
      await until(async () => (await stream()).framesAnalysed >= 20, 30_000, 100);
      const info = await stream();
      expect(apiProblems('Stream', info)).toEqual([]);
      expect(info.status).toBe('playing');
      // The test pattern runs at 30 fps: over 10 s about 5 analysed and 25 skipped each second.
      expect(info.analysedPerSecond).toBeGreaterThan(3);
      expect(info.skippedPerSecond).toBeGreaterThan(15);
      expect(info.framesSkipped).toBeGreaterThan(3 * info.framesAnalysed);
      // A frame with no face takes milliseconds: the analysis keeps up (a slow first model run may cost one).
      expect(info.framesDropped).toBeLessThanOrEqual(1);

      // The API and /metrics count the same frames: read between two scrapes, the API's count lies between theirs.
      const before = (await http.get('/metrics')).text;
      const between = await stream();
      const after = (await http.get('/metrics')).text;
      for (const [counter, field] of [['skipped', 'framesSkipped'], ['dropped', 'framesDropped'], ['analysed', 'framesAnalysed']] as const) {
        const name = `mien_frames_${counter}_total{stream="cam"}`;
        expect(between[field], counter).toBeGreaterThanOrEqual(series(before, name) ?? NaN);
        expect(between[field], counter).toBeLessThanOrEqual(series(after, name) ?? NaN);
      }
      // Latency is observed once per analysed frame (faces or none), not once per face.
      expect(series(after, 'mien_frame_to_event_seconds_count')).toBe(series(after, 'mien_frames_analysed_total{stream="cam"}'));
    } finally {
      await server.close();
    }
  }, 60_000);
});
