// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../src/elements/mien-tag-timeline.js';
import type { TagSegment, TimelineRow } from '../src/state/tag-timelines.js';
import { mount, shadow } from './mount.js';

const NOW = Date.parse('2026-11-01T10:05:00.000Z');
const segment = (tag: string, secondsAgo: number, seconds: number, open = false, more: Partial<TagSegment> = {}): TagSegment => ({
  identity: 0,
  stream: 'cam',
  tag,
  startMs: NOW - secondsAgo * 1000,
  endMs: NOW - (secondsAgo - seconds) * 1000,
  open,
  distance: 0.3,
  ...more,
});

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

  it('draws each segment as high as its intensity, within [0.25, 1], and says it in the title; one without fills the track', async () => {
    const rows: TimelineRow[] = [
      {
        stream: 'cam',
        segments: [
          segment('smile', 200, 10, false, { intensity: 0.8 }),
          segment('smile', 150, 10, false, { intensity: 0.1 }),
          segment('grin', 100, 10, false, { intensity: 1.7 }),
          segment('frown', 50, 10),
        ],
      },
    ];
    const timeline = await mount('mien-tag-timeline', { rows, now: NOW, windowMs: 300_000 });
    const segments = [...shadow(timeline).querySelectorAll<HTMLElement>('li.segment')];
    expect(segments.map((li) => li.style.getPropertyValue('--intensity'))).toEqual(['0.8', '0.25', '1', '']);
    expect(segments.map((li) => li.title.split(' ').slice(0, 3).join(' '))).toEqual(['smile, intensity 0.8', 'smile, intensity 0.1', 'grin, intensity 1.7', expect.stringMatching(/^frown \d/)]);
    expect(segments[0].title).toMatch(/^smile, intensity 0\.8 .+ \(distance 0\.30\)$/);
    expect(segments[3].title).not.toContain('intensity');
    // Screen readers get the same words.
    expect(segments[0].querySelector('.visually-hidden')?.textContent).toBe(segments[0].title);
  });

  it('says so when nothing was tagged', async () => {
    const timeline = await mount('mien-tag-timeline', { rows: [], now: NOW });
    expect(shadow(timeline).textContent).toContain('No custom expression seen yet.');
  });
});
