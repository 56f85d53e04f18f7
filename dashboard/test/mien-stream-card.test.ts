// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stream } from '../src/api/api-types.js';
import '../src/elements/mien-stream-card.js';
import { mount, settle, shadow, textOf } from './mount.js';
import { FakePictures } from './builders.js';

const stream = (more: Partial<Stream> = {}): Stream => ({
  id: 'gate',
  kind: 'rtsp',
  source: 'rtsp://cam.local/stream',
  origin: 'config',
  status: 'playing',
  reason: 'frames flow at 1280x720',
  framesReceived: 300,
  framesAnalysed: 300,
  framesSkipped: 1500,
  framesDropped: 0,
  analysedPerSecond: 4.96,
  skippedPerSecond: 25.04,
  droppedPerSecond: 0,
  ...more,
});

describe('mien-stream-card', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the status, source, rates and who is on screen, with names where there are', async () => {
    const card = await mount('mien-stream-card', {
      pictures: new FakePictures(),
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
    expect(textOf(root.querySelector('.origin')!)).toBe('declared in the config file');
    expect(textOf(root.querySelector('dl')!)).toBe('analysed / s 5.0 skipped / s 25.0 dropped / s 0.0 frames analysed 300');
    // A 30 fps camera analysed at 5 fps skips 25 frames a second as asked: nothing to warn of.
    expect(root.querySelector('dd.warn')).toBeNull();
    expect(textOf(root.querySelector('.people')!)).toBe('Ana · happy smile Person 3');
  });

  it('warns when the analysis falls behind and drops frames it received', async () => {
    const card = await mount('mien-stream-card', { pictures: new FakePictures(), stream: stream({ framesDropped: 40, droppedPerSecond: 1.96, analysedPerSecond: 3.04 }) });
    expect(textOf(shadow(card).querySelector('dd.warn')!)).toBe('2.0');
  });

  it("fetches the stream's latest preview again after each one, and waits longer while there is none", async () => {
    const pictures = new FakePictures();
    const path = '/api/streams/gate/preview.jpg';
    pictures.missing.add(path);
    const card = await mount('mien-stream-card', { pictures, stream: stream(), refreshMs: 250 });
    const img = () => shadow(card).querySelector('img');
    await settle(card);
    expect(pictures.asked).toEqual([path]);
    expect(img()).toBeNull();
    expect(textOf(shadow(card))).toContain('waiting for the first analysed frame');

    // No frame yet: asked again after a second, not sooner.
    pictures.missing.clear();
    await vi.advanceTimersByTimeAsync(999);
    expect(pictures.asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle(card);
    expect(img()?.getAttribute('src')).toBe(`picture:${path}#2`);
    expect(textOf(shadow(card))).not.toContain('waiting');

    // A frame: the next is fetched after refreshMs, and replaces it.
    await vi.advanceTimersByTimeAsync(250);
    await settle(card);
    expect(img()?.getAttribute('src')).toBe(`picture:${path}#3`);

    // The server away for a moment: the last picture stays on screen.
    pictures.missing.add(path);
    await vi.advanceTimersByTimeAsync(250);
    await settle(card);
    expect(pictures.asked).toHaveLength(4);
    expect(img()?.getAttribute('src')).toBe(`picture:${path}#3`);
  });

  it('stops refreshing once the stream ended, and when taken out of the page', async () => {
    const ended = new FakePictures();
    await mount('mien-stream-card', { pictures: ended, stream: stream({ status: 'ended' }) });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ended.asked).toHaveLength(1);

    const pictures = new FakePictures();
    const live = await mount('mien-stream-card', { pictures, stream: stream() });
    await settle(live);
    live.remove();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(pictures.asked).toHaveLength(1);
  });
});
