// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import '../src/elements/mien-references-view.js';
import { FakePictures, reference } from './builders.js';
import { mount, shadow, textOf } from './mount.js';

describe('mien-references-view', () => {
  it('lists references newest first, pointing at the one just added, and hands the upload state to the form', async () => {
    const upload = { status: 'added', reference: 2 } as const;
    const view = await mount('mien-references-view', { pictures: new FakePictures(), references: [reference(1), reference(2), reference(3)], upload });
    const cards = [...shadow(view).querySelectorAll('mien-reference-card')];
    expect(cards.map((c) => [c.reference.id, c.highlighted])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
    expect(shadow(view).querySelector('mien-reference-form')?.upload).toBe(upload);
  });

  it('points at the reference it is told to, whichever way it was added', async () => {
    const view = await mount('mien-references-view', { pictures: new FakePictures(), references: [reference(1), reference(2, { rest: 'own-track' })], upload: { status: 'added', reference: 1 }, highlighted: 2 });
    const cards = [...shadow(view).querySelectorAll('mien-reference-card')];
    expect(cards.map((c) => [c.reference.id, c.highlighted])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('invites the first one', async () => {
    const view = await mount('mien-references-view', { pictures: new FakePictures(), references: [] });
    expect(textOf(shadow(view).querySelector('.empty')!)).toMatch(/^None yet/);
  });
});
