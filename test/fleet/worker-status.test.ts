import { Registry, Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerStatus } from '../../src/fleet/worker-status.js';

let status: WorkerStatus | undefined;
afterEach(async () => {
  await status?.close();
});

describe('a worker\'s status server', () => {
  it('answers /healthz always, /readyz with why it is not ready, /metrics from its registry, and nothing else', async () => {
    const registry = new Registry();
    new Counter({ name: 'mien_test_total', help: 'a test series', registers: [registry] }).inc(3);
    let reason: string | undefined = 'NATS is not reachable';
    status = await WorkerStatus.listen(0, '127.0.0.1', registry, () => reason);
    const get = async (path: string, method = 'GET') => {
      const res = await fetch(`${status!.url}${path}`, { method });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    };
    expect(await get('/healthz')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    expect(await get('/readyz')).toMatchObject({ status: 503, text: '{"status":"not ready","reason":"NATS is not reachable"}' });
    reason = undefined;
    expect(await get('/readyz')).toMatchObject({ status: 200 });
    const metrics = await get('/metrics');
    expect(metrics.text).toContain('mien_test_total 3');
    expect(metrics.type).toContain('text/plain');
    expect(await get('/api/streams')).toMatchObject({ status: 404 });
    expect(await get('/metrics', 'POST')).toMatchObject({ status: 405 });
  });
});
