// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../src/elements/mien-people-view.js';
import { FakePictures, identity, T0 } from './builders.js';
import { mount, settle, shadow, textOf } from './mount.js';

describe('mien-people-view', () => {
  it('shows a card per person, most recently seen first, and the chosen timeline span on every card', async () => {
    const people = [
      { identity: identity(1, { lastSeen: new Date(T0 + 1000).toISOString() }), rows: [], currentTags: [] },
      { identity: identity(2, { lastSeen: new Date(T0 + 9000).toISOString() }), rows: [], currentTags: [] },
    ];
    const view = await mount('mien-people-view', { pictures: new FakePictures(), people, now: T0 + 10_000 });
    const cards = () => [...shadow(view).querySelectorAll('mien-person-card')];
    expect(cards().map((c) => c.identity.id)).toEqual([2, 1]);
    expect(cards().map((c) => c.windowMs)).toEqual([300_000, 300_000]);

    const oneHour = [...shadow(view).querySelectorAll<HTMLInputElement>('input[name="window"]')].find((r) => r.value === '3600000')!;
    oneHour.click();
    await settle(view);
    expect(cards().map((c) => c.windowMs)).toEqual([3_600_000, 3_600_000]);
  });

  it("hands each card the state of its person's face-reference request", async () => {
    const failed = { status: 'failed', message: 'no face of identity 2 on screen lately' } as const;
    const people = [
      { identity: identity(1), rows: [], currentTags: [] },
      { identity: identity(2), rows: [], currentTags: [], faceReference: failed },
    ];
    const view = await mount('mien-people-view', { pictures: new FakePictures(), people, now: T0 });
    const cards = [...shadow(view).querySelectorAll('mien-person-card')];
    expect(cards.map((c) => [c.identity.id, c.faceReference])).toEqual([
      [1, { status: 'idle' }],
      [2, failed],
    ]);
  });

  it('says so when nobody was seen', async () => {
    const view = await mount('mien-people-view', { pictures: new FakePictures(), people: [] });
    expect(textOf(shadow(view).querySelector('.empty')!)).toMatch(/^Nobody seen yet/);
  });
});
