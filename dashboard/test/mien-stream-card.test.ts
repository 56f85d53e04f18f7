// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stream } from '../src/api/api-types.js';
import '../src/elements/mien-stream-card.js';
import { mount, settle, shadow, textOf } from './mount.js';

const stream = (more: Partial<Stream> = {}): Stream => ({
  id: 'gate',
  kind: 'rtsp',
  source: 'rtsp://cam.local/stream',
  status: 'playing',
  reason: 'frames flow at 1280x720',
  framesReceived: 900,
  framesAnalysed: 300,
  framesDropped: 600,
  analysedPerSecond: 4.96,
  droppedPerSecond: 10.04,
  ...more,
});

describe('mien-stream-card', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the status, source, rates and who is on screen, with names where there are', async () => {
    const card = await mount('mien-stream-card', {
      stream: stream(),
      people: [
        { identity: 0, expression: 'happy', tags: ['smile'], seenMs: 0 },
        { identity: 3, tags: [], seenMs: 0 },
      ],
      names: new Map([[0, 'Ana']]),
    });
    const root = shadow(card);
    expect(textOf(root.querySelector('.status')!)).toBe('playing');
    expect(textOf(root.querySelector('h3')!)).toBe('gate rtsp');
    expect(textOf(root.querySelector('.source')!)).toBe('rtsp://cam.local/stream');
    expect(textOf(root.querySelector('dl')!)).toBe('analysed / s 5.0 dropped / s 10.0 frames analysed 300');
    expect(root.querySelector('dd.warn')).not.toBeNull();
    expect(textOf(root.querySelector('.people')!)).toBe('Ana · happy smile Person 3');
  });

  it("asks for the stream's latest preview again after each one loads, and waits longer while there is none", async () => {
    const card = await mount('mien-stream-card', { stream: stream(), refreshMs: 250 });
    const img = () => shadow(card).querySelector('img')!;
    expect(img().getAttribute('src')).toBe('/api/streams/gate/preview.jpg?frame=0');
    expect(img().hidden).toBe(true);
    expect(textOf(shadow(card))).toContain('waiting for the first analysed frame');

    img().dispatchEvent(new Event('error'));
    await vi.advanceTimersByTimeAsync(999);
    expect(img().getAttribute('src')).toBe('/api/streams/gate/preview.jpg?frame=0');
    await vi.advanceTimersByTimeAsync(1);
    await settle(card);
    expect(img().getAttribute('src')).toBe('/api/streams/gate/preview.jpg?frame=1');

    img().dispatchEvent(new Event('load'));
    await settle(card);
    expect(img().hidden).toBe(false);
    await vi.advanceTimersByTimeAsync(250);
    await settle(card);
    expect(img().getAttribute('src')).toBe('/api/streams/gate/preview.jpg?frame=2');
  });

  it('stops refreshing once the stream ended, and when taken out of the page', async () => {
    const card = await mount('mien-stream-card', { stream: stream({ status: 'ended' }) });
    shadow(card).querySelector('img')!.dispatchEvent(new Event('load'));
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(card);
    expect(shadow(card).querySelector('img')!.getAttribute('src')).toMatch(/frame=0$/);

    const live = await mount('mien-stream-card', { stream: stream() });
    shadow(live).querySelector('img')!.dispatchEvent(new Event('load'));
    live.remove();
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(live);
    expect(shadow(live).querySelector('img')!.getAttribute('src')).toMatch(/frame=0$/);
  });
});
