import { describe, expect, it } from 'vitest';
import { ServerClock } from '../src/state/server-clock.js';

describe('ServerClock', () => {
  it("follows the server's clock: the largest recent offset, renewed every 10 s", () => {
    let local = 1_000_000;
    const clock = new ServerClock(() => local);
    expect(clock.now()).toBe(local);
    // The server runs 60 s behind; events arrive 100 to 400 ms after their frames.
    clock.observe(local - 60_000 - 400);
    clock.observe(local - 60_000 - 100);
    clock.observe(local - 60_000 - 300);
    expect(clock.now()).toBe(local - 60_100);
    // Its clock was corrected: a smaller offset is taken once the estimate is old.
    local += 11_000;
    clock.observe(local - 100);
    expect(clock.now()).toBe(local - 100);
  });
});
