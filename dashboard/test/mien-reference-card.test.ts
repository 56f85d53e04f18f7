// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { ReferenceDeleteEvent } from '../src/elements/mien-reference-card.js';
import '../src/elements/mien-reference-card.js';
import { FakePictures, reference } from './builders.js';
import { mount, settle, shadow, textOf } from './mount.js';

describe('mien-reference-card', () => {
  it("shows the face Mien found, the tags and the threshold, the default where it has none", async () => {
    const card = await mount('mien-reference-card', { pictures: new FakePictures(), reference: reference(3, { tags: ['smile', 'grin'], threshold: 0.35 }) });
    const root = shadow(card);
    expect(root.querySelector('img')?.getAttribute('src')).toBe('picture:/api/references/3/crop.png');
    expect(root.querySelector('img')?.getAttribute('alt')).toBe('The face Mien found for smile, grin');
    expect(textOf(root.querySelector('.tags')!)).toBe('smile grin');
    expect(textOf(root.querySelector('.threshold')!)).toBe('threshold 0.35');
    card.reference = reference(3);
    card.highlighted = true;
    await settle(card);
    expect(textOf(root.querySelector('.threshold')!)).toBe('threshold default');
    expect(textOf(root.querySelector('figcaption')!)).toBe('the face Mien found');
  });

  it('says what the face was read against, in words, and nothing for an embedding that reads faces alone', async () => {
    const card = await mount('mien-reference-card', { pictures: new FakePictures(), reference: reference(3) });
    const readAgainst = () => shadow(card).querySelector('.rest');
    expect(textOf(readAgainst()!)).toBe('read against: people in general');
    card.reference = reference(3, { rest: 'rest-photo' });
    await settle(card);
    expect(textOf(readAgainst()!)).toBe('read against: a photo of them at rest');
    card.reference = reference(3, { rest: 'own-track', threshold: 0.6 });
    await settle(card);
    expect(textOf(readAgainst()!)).toBe('read against: their own face on screen');
    card.reference = reference(3, { rest: 'none' });
    await settle(card);
    expect(readAgainst()).toBeNull();
    expect(textOf(shadow(card))).not.toContain('read against');
  });

  it('says when a reference was made with another embedding and is not matched', async () => {
    const card = await mount('mien-reference-card', { pictures: new FakePictures(), reference: reference(3) });
    expect(shadow(card).querySelector('.stale')).toBeNull();
    card.reference = reference(3, { matched: false, embeddingModel: 'fer7-probabilities' });
    await settle(card);
    expect(textOf(shadow(card).querySelector('.stale')!)).toBe('not matched: made with fer7-probabilities; add it again');
  });

  it('deletes only once confirmed', async () => {
    const card = await mount('mien-reference-card', { pictures: new FakePictures(), reference: reference(3) });
    const deleted = vi.fn<(event: ReferenceDeleteEvent) => void>();
    document.body.addEventListener('reference-delete', deleted);
    const buttons = () => [...shadow(card).querySelectorAll('button')];
    buttons()[0].click();
    await settle(card);
    expect(buttons().map((b) => textOf(b))).toEqual(['Delete smile', 'Keep']);
    buttons()[1].click();
    await settle(card);
    expect(deleted).not.toHaveBeenCalled();
    buttons()[0].click();
    await settle(card);
    buttons()[0].click();
    expect(deleted.mock.calls.map(([e]) => e.reference)).toEqual([3]);
  });
});
