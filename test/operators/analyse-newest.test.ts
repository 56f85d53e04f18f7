import { Subject, delay, of, toArray, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/ingest/frame.js';
import { analyseNewest } from '../../src/operators/analyse-newest.js';

const frame = (stream: string, index: number): Frame => ({ stream, index, pts: index, width: 1, height: 1, data: new Uint8Array(3) });
const label = (batch: Frame[]) => batch.map((f) => `${f.stream}${f.index}`).join('+');

describe('analyseNewest', () => {
  it('keeps only the newest frame per stream while busy, counts the rest, and takes streams in turn', () => {
    const dropped: string[] = [];
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const frames = cold<Frame>('abcde|', { a: frame('x', 1), b: frame('x', 2), c: frame('y', 1), d: frame('x', 3), e: frame('y', 2) });
      const result = frames.pipe(
        analyseNewest((batch) => of(label(batch)).pipe(delay(5)), 4, (f) => dropped.push(`${f.stream}${f.index}`)),
      );
      // x1 starts at once; b..e arrive while it runs: x2 is replaced by x3, y1 by y2.
      expectObservable(result).toBe('-----x 4ms (z|)', { x: 'x1', z: 'x3+y2' });
    });
    expect(dropped).toEqual(['x2', 'y1']);
  });

  it('analyses every frame when analysis keeps up, and completes after the last batch', async () => {
    const source = new Subject<Frame>();
    const done = lastValueFrom(source.pipe(analyseNewest(async (batch) => label(batch), 2), toArray()));
    source.next(frame('x', 1));
    await new Promise((r) => setTimeout(r, 5));
    source.next(frame('x', 2));
    source.complete();
    expect(await done).toEqual(['x1', 'x2']);
  });

  it('passes analysis errors on', async () => {
    const result = lastValueFrom(of(frame('x', 1)).pipe(analyseNewest(async () => { throw new Error('model failed'); }, 2)));
    await expect(result).rejects.toThrow('model failed');
  });
});
