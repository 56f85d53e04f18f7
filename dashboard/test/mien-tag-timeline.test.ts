// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../src/elements/mien-tag-timeline.js';
import type { TimelineRow } from '../src/state/tag-timelines.js';
import { mount, shadow } from './mount.js';

const NOW = Date.parse('2026-11-01T10:05:00.000Z');
const segment = (tag: string, secondsAgo: number, seconds: number, open = false) => ({ identity: 0, stream: 'cam', tag, startMs: NOW - secondsAgo * 1000, endMs: NOW - (secondsAgo - seconds) * 1000, open, distance: 0.3 });

describe('mien-tag-timeline', () => {
  it('places each segment in the window, now at the right edge, and leaves out what ended before it', async () => {
    const rows: TimelineRow[] = [
      { stream: 'gate', segments: [segment('smile', 400, 10), segment('smile', 150, 30), segment('frown', 30, 30, true)] },
      { stream: 'lobby', segments: [] },
    ];
    const timeline = await mount('mien-tag-timeline', { rows, now: NOW, windowMs: 300_000 });
    const tracks = [...shadow(timeline).querySelectorAll('ol')];
    expect(tracks.map((t) => t.getAttribute('aria-label'))).toEqual(['Tags on gate, last 5 min', 'Tags on lobby, last 5 min']);
    const placed = [...tracks[0].querySelectorAll<HTMLElement>('li.segment')].map((li) => [li.dataset.tag, li.style.left, li.style.width, li.classList.contains('open')]);
    expect(placed).toEqual([
      ['smile', '50%', '10%', false],
      ['frown', '90%', '10%', true],
    ]);
    expect(tracks[1].children).toHaveLength(0);
  });

  it('widens a blink of a tag so it shows, and keeps it inside the track', async () => {
    const timeline = await mount('mien-tag-timeline', { rows: [{ stream: 'cam', segments: [segment('smile', 0.1, 0.1, true)] }], now: NOW, windowMs: 3_600_000 });
    const li = shadow(timeline).querySelector<HTMLElement>('li.segment')!;
    expect([li.style.left, li.style.width]).toEqual(['99.4%', '0.6%']);
  });

  it('says so when nothing was tagged', async () => {
    const timeline = await mount('mien-tag-timeline', { rows: [], now: NOW });
    expect(shadow(timeline).textContent).toContain('No custom expression seen yet.');
  });
});
