// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Stream } from '../src/api/api-types.js';
import '../src/elements/mien-streams-view.js';
import { mount, shadow, textOf } from './mount.js';
import { FakePictures } from './builders.js';

describe('mien-streams-view', () => {
  it('shows a card per stream with the people on its picture', async () => {
    const streams = ['gate', 'lobby'].map((id): Stream => ({ id, kind: 'test', source: 'test:ball', origin: 'api', status: 'playing', reason: '', framesReceived: 0, framesAnalysed: 0, framesSkipped: 0, framesDropped: 0, analysedPerSecond: 0, skippedPerSecond: 0, droppedPerSecond: 0 }));
    const lobby = [{ identity: 1, tags: [], seenMs: 0 }];
    const view = await mount('mien-streams-view', { pictures: new FakePictures(), streams, people: new Map([['lobby', lobby]]) });
    const cards = [...shadow(view).querySelectorAll('mien-stream-card')];
    expect(cards.map((c) => [c.stream.id, c.people])).toEqual([
      ['gate', []],
      ['lobby', lobby],
    ]);
  });

  it('tells how to add a stream when there is none', async () => {
    const view = await mount('mien-streams-view', { pictures: new FakePictures(), streams: [] });
    expect(textOf(shadow(view).querySelector('.empty')!)).toContain('POST /api/streams');
  });
});
