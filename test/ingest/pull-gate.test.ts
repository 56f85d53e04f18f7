import { lastValueFrom, toArray, concatMap, delay, of, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fileFrames } from '../../src/ingest/file-source.js';
import { PullGate } from '../../src/ingest/pull-gate.js';
import { fixture } from '../support/fixtures.js';

describe('PullGate', () => {
  it('lets frames through up to its capacity, then waits for the consumer', async () => {
    const gate = new PullGate(2);
    gate.enter();
    gate.enter();
    let released = false;
    const ready = gate.ready().then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    gate.leave();
    await ready;
    expect(released).toBe(true);
    expect(() => new PullGate(0)).toThrow(TypeError);
  });

  it('keeps a file from decoding further ahead of a slow consumer than the gate allows', async () => {
    const gate = new PullGate(3);
    let most = 0;
    const frames = await lastValueFrom(
      fileFrames(fixture('video/two-people-grid.mp4'), { maxFps: 10, gate }).pipe(
        tap(() => (most = Math.max(most, gate.inFlight))),
        concatMap((frame) => of(frame).pipe(delay(20))),
        tap(() => gate.leave()),
        toArray(),
      ),
    );
    expect(frames.length).toBeGreaterThanOrEqual(29);
    expect(most).toBeLessThanOrEqual(3);
  });
});
