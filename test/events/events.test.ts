import { describe, expect, it } from 'vitest';
import type { MienEvent } from '../../src/events/events.js';
import { eventProblems, isMienEvent } from '../../src/events/validate.js';

const base = { stream: 'cam-1', pts: 12.5, wallTime: '2026-11-27T10:00:00.000Z' };

describe('event schema', () => {
  const good: MienEvent[] = [
    { ...base, kind: 'face', identity: 3, track: 1, box: [1, 2, 30, 40], accepted: true, reasons: [], sharpness: 6.2, yaw: -4, expression: 'happy' },
    { ...base, kind: 'face', identity: null, track: 2, box: [1, 2, 30, 40], accepted: false, reasons: ['blur'], sharpness: 1.2, yaw: 3 },
    { ...base, kind: 'tag-start', identity: 3, tag: 'smile', reference: 1, distance: 0.31 },
    { ...base, kind: 'tag-end', identity: 3, tag: 'smile', reference: 1, startPts: 10, distance: 0.2 },
    { ...base, kind: 'identity-created', identity: 4 },
    { ...base, kind: 'identity-merged', identity: 3, merged: [4] },
    { ...base, kind: 'stream-status', status: 'reconnecting', reason: 'connection refused' },
  ];

  it.each(good)('accepts a well-formed $kind event', (event) => {
    expect(eventProblems(event)).toEqual([]);
    expect(isMienEvent(JSON.parse(JSON.stringify(event)))).toBe(true);
  });

  it('refuses events that break the common fields or their kind\'s fields', () => {
    expect(isMienEvent({ ...base, kind: 'tag-start', identity: 3, tag: 'smile', reference: 1 })).toBe(false);
    expect(isMienEvent({ ...base, pts: -1, kind: 'identity-created', identity: 4 })).toBe(false);
    expect(isMienEvent({ ...base, wallTime: 'yesterday', kind: 'identity-created', identity: 4 })).toBe(false);
    expect(isMienEvent({ ...base, kind: 'identity-created', identity: 4, extra: 1 })).toBe(false);
    expect(isMienEvent({ ...base, kind: 'stream-status', status: 'sleeping' })).toBe(false);
    expect(isMienEvent({ ...base, kind: 'telepathy' })).toBe(false);
    expect(eventProblems('nonsense').length).toBeGreaterThan(0);
  });
});
