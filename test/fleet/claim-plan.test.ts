import { describe, expect, it } from 'vitest';
import { streamsToClaim, streamsToRelease } from '../../src/fleet/claim-plan.js';

describe('streamsToClaim', () => {
  it('takes free streams in id order, one per round, never beyond the capacity left', () => {
    const state = { desired: ['c', 'a', 'b', 'd'], leased: new Set(['a', 'x']), held: new Set(['x']), capacity: 3 };
    expect(streamsToClaim(state)).toEqual(['b']);
    expect(streamsToClaim(state, 5)).toEqual(['b', 'c']);
    expect(streamsToClaim({ ...state, capacity: 1 }, 5)).toEqual([]);
    expect(streamsToClaim({ ...state, leased: new Set(['a', 'b', 'c', 'd', 'x']) }, 5)).toEqual([]);
  });
});

describe('streamsToRelease', () => {
  it('names the held streams the fleet no longer wants', () => {
    expect(streamsToRelease({ desired: ['a', 'b'], held: new Set(['b', 'z', 'c']) })).toEqual(['c', 'z']);
  });
});
