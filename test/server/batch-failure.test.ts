import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../src/image/rgb-image.js';
import { serverForTests } from '../support/test-server.js';
import { api, until } from '../support/server.js';

const running = serverForTests();

describe('a model failure in one batch', () => {
  it('skips that batch only: the stream goes on, the failure is counted in /metrics, and the server stays ready', async () => {
    const http = api(running.server.url);
    const metric = async (name: string) => Number(new RegExp(`${name}\\{stream="poster"\\} (\\d+)`).exec((await http.get('/metrics')).text)?.[1] ?? 0);
    // The detector fails on three calls, a little after the stream starts.
    const detector = running.runtime.models.detector;
    const detect = detector.detect.bind(detector);
    let calls = 0;
    detector.detect = (frames: readonly RgbImage[]) => (++calls >= 4 && calls <= 6 ? Promise.reject(new Error('injected failure')) : detect(frames));
    try {
      expect((await http.send('POST', '/api/streams', { kind: 'still', path: 'faces/london/020_08.jpg', id: 'poster' })).status).toBe(201);
      await until(async () => (await metric('mien_analysis_batch_failures_total')) > 0, 60_000, 100);
      const analysedAtFailure = await metric('mien_frames_analysed_total');
      await until(async () => (await metric('mien_frames_analysed_total')) > analysedAtFailure + 5, 60_000, 100);
      expect(await metric('mien_analysis_batch_failures_total')).toBeGreaterThanOrEqual(3);
      expect((await http.get('/readyz')).body).toEqual({ status: 'ok' });
      expect(running.server.streams.get('poster')?.status).toBe('playing');
    } finally {
      detector.detect = detect;
    }
    expect((await http.send('DELETE', '/api/streams/poster')).status).toBe(204);
  }, 120_000);
});
