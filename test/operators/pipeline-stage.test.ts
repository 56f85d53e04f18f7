import { describe, expect, it } from 'vitest';
import { pipelineStage } from '../../src/operators/pipeline-stage.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pipelineStage', () => {
  it('runs calls one at a time in call order while the next batch is in an earlier stage', async () => {
    const log: string[] = [];
    const step = (name: string, ms: (n: number) => number) =>
      pipelineStage(async (n: number) => {
        log.push(`${name}${n} start`);
        await tick(ms(n));
        log.push(`${name}${n} end`);
        return n;
      });
    const first = step('a', (n) => (n === 1 ? 30 : 5));
    const second = step('b', () => 20);
    const results = await Promise.all([1, 2, 3].map((n) => second(first(Promise.resolve(n)))));
    expect(results).toEqual([1, 2, 3]);
    // Each stage is strictly sequential and in order...
    for (const name of ['a', 'b']) {
      const own = log.filter((l) => l.startsWith(name));
      expect(own).toEqual([1, 2, 3].flatMap((n) => [`${name}${n} start`, `${name}${n} end`]));
    }
    // ...and batch 2 enters stage a while batch 1 is in stage b.
    expect(log.indexOf('a2 start')).toBeLessThan(log.indexOf('b1 end'));
  });

  it('fails only the batch whose step failed', async () => {
    const stage = pipelineStage(async (n: number) => {
      if (n === 2) throw new Error('bad batch');
      return n * 10;
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => stage(Promise.resolve(n))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 30 });
  });
});
