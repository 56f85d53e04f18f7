import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { StallError } from '../../src/ingest/errors.js';
import { watchSilence } from '../../src/ingest/watch-silence.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('watchSilence', () => {
  const limits = (stalls: number[]) => ({
    source: 'cam',
    stallAfterMs: 3,
    failAfterMs: 6,
    onStalled: () => stalls.push(1),
  });

  it('mirrors a source that keeps talking', () => {
    const stalls: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c-d|');
      expectObservable(source.pipe(watchSilence(limits(stalls)))).toBe('a-b-c-d|');
    });
    expect(stalls).toEqual([]);
  });

  it('reports a silence once, and is content when values come again', () => {
    const stalls: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a----b-|');
      expectObservable(source.pipe(watchSilence(limits(stalls)))).toBe('a----b-|');
    });
    expect(stalls).toEqual([1]);
  });

  it('fails a silence that lasts, counting from subscription', () => {
    const stalls: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(watchSilence(limits(stalls)))).toBe('------#', undefined, new StallError('cam', 6));
      expectObservable(cold('a-').pipe(watchSilence(limits(stalls)))).toBe('a-----#', { a: 'a' }, new StallError('cam', 6));
    });
    expect(new StallError('cam', 6).message).toBe('cam: no frame for 0.0 s');
  });

  it('passes errors on and stops its timers when unsubscribed early', () => {
    const stalls: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#').pipe(watchSilence(limits(stalls)))).toBe('a#');
      expectObservable(cold('a--------').pipe(watchSilence(limits(stalls))), '^-!').toBe('a-');
    });
    expect(stalls).toEqual([]);
  });
});
