import { describe, expect, it } from 'vitest';
import { Presence } from '../src/state/presence.js';
import { face, merged } from './builders.js';

describe('Presence', () => {
  it("lists the people in a stream's latest frames, with their expression and tags", () => {
    const presence = new Presence();
    presence.apply([face(2, 1, { expression: 'sad' }), face(0, 9, { expression: 'happy', tags: ['smile'] }), face(1, 10), face(null, 10)]);
    expect(presence.onScreen('cam').map((p) => [p.identity, p.expression, p.tags])).toEqual([
      [0, 'happy', ['smile']],
      [1, undefined, []],
    ]);
    expect(presence.onScreen('elsewhere')).toEqual([]);
  });

  it('forgets merged identities and streams that stopped', () => {
    const presence = new Presence();
    presence.apply([face(0, 1), face(3, 1), merged(0, [3], 1)]);
    expect(presence.onScreen('cam').map((p) => p.identity)).toEqual([0]);
    presence.apply([{ kind: 'stream-status', stream: 'cam', pts: 0, wallTime: new Date().toISOString(), status: 'ended' }]);
    expect(presence.onScreen('cam')).toEqual([]);
  });
});
