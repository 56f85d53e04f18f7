import { describe, expect, it } from 'vitest';
import { TagTimelines } from '../src/state/tag-timelines.js';
import { face, merged, T0, tagEnd, tagStart } from './builders.js';

const spans = (timelines: TagTimelines, identity: number) =>
  timelines.rows(identity).map((row) => ({ stream: row.stream, segments: row.segments.map((s) => [s.tag, s.startMs - T0, s.endMs - T0, s.open]) }));

describe('TagTimelines', () => {
  it('opens a segment at tag-start, stretches it with tagged faces, closes it at tag-end', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(0, 'smile', 2)]);
    expect(timelines.currentTags(0, T0 + 2_000)).toEqual(['smile']);
    timelines.apply([face(0, 2.4, { tags: ['smile'] }), face(0, 2.8, { tags: ['smile'] }), face(1, 3, { tags: ['smile'] })]);
    expect(spans(timelines, 0)).toEqual([{ stream: 'cam', segments: [['smile', 2000, 2800, true]] }]);
    timelines.apply([tagEnd(0, 'smile', 2, 3.5)]);
    expect(spans(timelines, 0)).toEqual([{ stream: 'cam', segments: [['smile', 2000, 3500, false]] }]);
    expect(timelines.currentTags(0, T0 + 4_000)).toEqual([]);
  });

  it('takes history and live events in any order and more than once', () => {
    const live = new TagTimelines();
    live.apply([tagStart(0, 'smile', 2), tagEnd(0, 'smile', 2, 3.5), tagStart(0, 'smile', 8)]);
    const replayed = new TagTimelines();
    // The end first (history loaded after the live end), then everything again.
    replayed.apply([tagEnd(0, 'smile', 2, 3.5), tagStart(0, 'smile', 8), tagStart(0, 'smile', 2), tagEnd(0, 'smile', 2, 3.5), tagStart(0, 'smile', 8)]);
    expect(spans(replayed, 0)).toEqual(spans(live, 0));
    expect(spans(live, 0)[0].segments).toEqual([
      ['smile', 2000, 3500, false],
      ['smile', 8000, 8000, true],
    ]);
  });

  it('keeps the intensity at the start while open and the strongest once ended, in either order', () => {
    const intensities = (timelines: TagTimelines) => timelines.rows(0)[0].segments.map((s) => s.intensity);
    const live = new TagTimelines();
    live.apply([tagStart(0, 'smile', 2, { intensity: 0.6 })]);
    expect(intensities(live)).toEqual([0.6]);
    live.apply([tagEnd(0, 'smile', 2, 3.5, { intensity: 0.9 })]);
    expect(intensities(live)).toEqual([0.9]);
    const replayed = new TagTimelines();
    replayed.apply([tagEnd(0, 'smile', 2, 3.5, { intensity: 0.9 }), tagStart(0, 'smile', 2, { intensity: 0.6 })]);
    expect(intensities(replayed)).toEqual([0.9]);
    // Embeddings that read faces alone send none: the segments have none.
    const plain = new TagTimelines();
    plain.apply([tagStart(0, 'smile', 2), tagEnd(0, 'smile', 2, 3.5)]);
    expect(plain.rows(0)[0].segments[0]).not.toHaveProperty('intensity');
  });

  it('keeps a row per stream, by name', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(0, 'smile', 1, { stream: 'lobby' }), tagStart(0, 'frown', 1, { stream: 'gate' })]);
    expect(timelines.rows(0).map((r) => r.stream)).toEqual(['gate', 'lobby']);
  });

  it('tells apart segments of the same start pts from before and after a server restart', () => {
    const timelines = new TagTimelines();
    const anHourLater = T0 + 3_600_000;
    timelines.apply([tagStart(0, 'smile', 2), tagEnd(0, 'smile', 2, 3), tagStart(0, 'smile', 2, { wallTime: new Date(anHourLater + 2_000).toISOString() })]);
    expect(timelines.rows(0)[0].segments.map((s) => [s.startMs - T0, s.open])).toEqual([
      [2000, false],
      [3_602_000, true],
    ]);
  });

  it('moves the segments of merged identities to the one they continue as', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(3, 'smile', 1), tagEnd(3, 'smile', 1, 2), tagStart(0, 'frown', 5)]);
    timelines.apply([merged(0, [3], 6)]);
    expect(timelines.rows(3)).toEqual([]);
    expect(spans(timelines, 0)[0].segments.map(([tag]) => tag)).toEqual(['smile', 'frown']);
  });

  it('closes open segments when their stream ends', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(0, 'smile', 1), { kind: 'stream-status', stream: 'cam', pts: 0, wallTime: new Date(T0 + 5_000).toISOString(), status: 'ended' }]);
    expect(timelines.rows(0)[0].segments[0].open).toBe(false);
  });

  it('no longer calls an open segment current once its person stopped showing the tag', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(0, 'smile', 1), face(0, 2, { tags: ['smile'] })]);
    expect(timelines.currentTags(0, T0 + 4_000)).toEqual(['smile']);
    expect(timelines.currentTags(0, T0 + 6_000)).toEqual([]);
  });

  it('forgets segments that ended before the cut, and returns the same rows until something changes', () => {
    const timelines = new TagTimelines();
    timelines.apply([tagStart(0, 'smile', 1), tagEnd(0, 'smile', 1, 2), tagStart(0, 'smile', 10)]);
    const rows = timelines.rows(0);
    expect(timelines.rows(0)).toBe(rows);
    timelines.prune(T0 + 5_000);
    expect(timelines.rows(0)).not.toBe(rows);
    expect(spans(timelines, 0)[0].segments).toEqual([['smile', 10_000, 10_000, true]]);
  });
});
