import { describe, expect, it } from 'vitest';
import { DesiredStreams } from '../../src/fleet/desired-streams.js';
import { StreamLeases } from '../../src/fleet/stream-leases.js';
import { jetStreamForTests } from '../support/jetstream.js';

const LEASE_MS = 2_000;
const jetStream = jetStreamForTests();

describe('StreamLeases (a real JetStream KV bucket)', () => {
  it('gives a stream to one worker; the other gets it only once the lease is let go or left to expire', async () => {
    const leases = await StreamLeases.open(jetStream.nc, LEASE_MS);
    const [a, b] = await Promise.all([leases.claim('cam.1', 'worker-a'), leases.claim('cam.1', 'worker-b')]);
    // One of two simultaneous claims wins.
    expect([a, b].filter((lease) => lease !== undefined)).toHaveLength(1);
    const won = (a ?? b)!;
    const loser = won.worker === 'worker-a' ? 'worker-b' : 'worker-a';
    expect(await leases.holders()).toEqual(new Map([['cam.1', won.worker]]));

    // Renewed, it outlives its lease time.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, LEASE_MS / 2));
      expect(await leases.renew(won)).toBe(true);
    }
    expect(await leases.claim('cam.1', loser)).toBeUndefined();

    // Left unrenewed (its worker died), it expires by the server's clock and another claims it.
    const expiredAfter = Date.now();
    let taken;
    while (!(taken = await leases.claim('cam.1', loser))) {
      expect(Date.now() - expiredAfter).toBeLessThan(LEASE_MS + 5_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(Date.now() - expiredAfter).toBeGreaterThan(LEASE_MS / 2);
    expect(taken.epoch).toBeGreaterThan(won.epoch);
    // The first worker, back, cannot renew what is no longer its own.
    expect(await leases.renew(won)).toBe(false);

    // Let go, it is free at once.
    await leases.release(taken);
    expect(await leases.holders()).toEqual(new Map());
    expect(await leases.claim('cam.1', won.worker)).toBeDefined();
  });

  it('keeps the lease time of whoever made the bucket, and tells a renewal\'s report of the stream', async () => {
    const leases = await StreamLeases.open(jetStream.nc, LEASE_MS);
    expect((await StreamLeases.open(jetStream.nc, 60_000)).leaseMs).toBe(LEASE_MS);
    const lease = (await leases.claim('cam.2', 'worker-a'))!;
    expect((await leases.entries()).get('cam.2')).toEqual({ worker: 'worker-a' });
    const report = { id: 'cam.2', kind: 'test', source: 'test:ball', origin: 'api', status: 'playing', reason: '', framesReceived: 9, framesAnalysed: 8, framesSkipped: 0, framesDropped: 1, analysedPerSecond: 5, skippedPerSecond: 0, droppedPerSecond: 0 } as const;
    expect(await leases.renew(lease, report)).toBe(true);
    expect((await leases.entries()).get('cam.2')).toEqual({ worker: 'worker-a', stream: report });
    await leases.release(lease);
  });
});

describe('DesiredStreams', () => {
  it('keeps the streams the fleet should run, ids with dots included', async () => {
    const desired = await DesiredStreams.open(jetStream.nc);
    await desired.put({ id: 'studio.left', kind: 'test', pattern: 'ball' });
    await desired.put({ id: 'b', kind: 'file', path: '/media/b.mp4', loop: true });
    await desired.remove('b');
    expect(await desired.list()).toEqual([{ id: 'studio.left', kind: 'test', pattern: 'ball' }]);
  });
});
