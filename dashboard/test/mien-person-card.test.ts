// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { FaceReferenceEvent, IdentityRenameEvent } from '../src/elements/mien-person-card.js';
import '../src/elements/mien-person-card.js';
import { FakePictures, identity, reference, T0 } from './builders.js';
import { mount, settle, shadow, textOf } from './mount.js';

describe('mien-person-card', () => {
  it('shows the thumbnail, name or number, faces seen, tags now, timeline and appearance', async () => {
    const rows = [{ stream: 'cam', segments: [{ identity: 4, stream: 'cam', tag: 'smile', startMs: T0, endMs: T0 + 2000, open: true, distance: 0.3 }] }];
    const card = await mount('mien-person-card', {
      pictures: new FakePictures(),
      identity: identity(4, { appearance: { smile: 0.25 } }),
      rows,
      currentTags: ['smile'],
      now: T0 + 12_000,
      windowMs: 60_000,
    });
    const root = shadow(card);
    // Fetched with the token: an <img> could not send it.
    expect(root.querySelector('img.thumb')?.getAttribute('src')).toBe('picture:/api/identities/4/thumbnail.jpg');
    expect(textOf(root.querySelector('h3')!)).toContain('Person 4');
    expect(textOf(root.querySelector('.facts')!)).toBe('#4 · 42 faces (40 accepted) · on screen');
    expect(textOf(root.querySelector('.current')!)).toBe('smile');
    expect(root.querySelector('mien-tag-timeline')?.rows).toBe(rows);
    expect(root.querySelector('mien-tag-timeline')?.windowMs).toBe(60_000);
    expect(root.querySelector('mien-appearance-chart')?.appearance).toEqual({ smile: 0.25 });

    card.identity = identity(4, { name: 'Ana' });
    card.currentTags = [];
    card.now = T0 + 130_000;
    await settle(card);
    expect(textOf(root.querySelector('h3')!)).toContain('Ana');
    expect(textOf(root.querySelector('.facts')!)).toBe('#4 · 42 faces (40 accepted) · seen 2 min ago');
    expect(textOf(root.querySelector('.current')!)).toBe('no tag now');
  });

  it('renames from the keyboard: the rename button, a name, Enter; the focus comes back', async () => {
    const card = await mount('mien-person-card', { pictures: new FakePictures(), identity: identity(4), now: T0 });
    const renamed = vi.fn<(event: IdentityRenameEvent) => void>();
    document.body.addEventListener('identity-rename', renamed);
    shadow(card).querySelector<HTMLButtonElement>('button.rename')!.click();
    await settle(card);
    const input = shadow(card).querySelector<HTMLInputElement>('input[name="name"]')!;
    expect(shadow(card).activeElement).toBe(input);
    input.value = '  Ana Lima ';
    shadow(card).querySelector('form')!.requestSubmit();
    await settle(card);
    expect(renamed).toHaveBeenCalledOnce();
    expect([renamed.mock.calls[0][0].identity, renamed.mock.calls[0][0].name]).toEqual([4, 'Ana Lima']);
    expect(shadow(card).querySelector('form')).toBeNull();
    expect(shadow(card).activeElement).toBe(shadow(card).querySelector('button.rename'));
  });

  it('clears a name when saved empty, and fires nothing when Escape cancels or nothing changed', async () => {
    const card = await mount('mien-person-card', { pictures: new FakePictures(), identity: identity(4, { name: 'Ana' }), now: T0 });
    const renamed = vi.fn<(event: IdentityRenameEvent) => void>();
    card.addEventListener('identity-rename', renamed);
    const edit = async () => {
      shadow(card).querySelector<HTMLButtonElement>('button.rename')!.click();
      await settle(card);
      return shadow(card).querySelector<HTMLInputElement>('input[name="name"]')!;
    };
    let input = await edit();
    input.value = 'Someone else';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle(card);
    expect(shadow(card).querySelector('form')).toBeNull();
    input = await edit();
    shadow(card).querySelector('form')!.requestSubmit();
    await settle(card);
    expect(renamed).not.toHaveBeenCalled();
    input = await edit();
    input.value = '';
    shadow(card).querySelector('form')!.requestSubmit();
    expect(renamed.mock.calls.map(([e]) => e.name)).toEqual([null]);
  });

  describe('use this face as a reference', () => {
    const toggle = (card: HTMLElement) => shadow(card).querySelector<HTMLButtonElement>('button.use-face-toggle')!;
    const field = (card: HTMLElement, name: string) => shadow(card).querySelector<HTMLInputElement>(`.use-face input[name="${name}"]`)!;
    const submitFace = async (card: HTMLElement) => {
      shadow(card).querySelector<HTMLFormElement>('.use-face form')!.requestSubmit();
      await settle(card);
    };

    it('opens a labelled form from its button, sends the tags and threshold, and gives the focus back on Escape', async () => {
      const card = await mount('mien-person-card', { pictures: new FakePictures(), identity: identity(4), now: T0 });
      const asked = vi.fn<(event: FaceReferenceEvent) => void>();
      document.body.addEventListener('face-reference', asked);
      expect(textOf(toggle(card))).toBe('Use this face as a reference');
      expect(toggle(card).getAttribute('aria-expanded')).toBe('false');
      expect(shadow(card).querySelector('.use-face form')).toBeNull();

      toggle(card).click();
      await settle(card);
      expect(toggle(card).getAttribute('aria-expanded')).toBe('true');
      expect(shadow(card).activeElement).toBe(field(card, 'tags'));
      expect(textOf(field(card, 'tags').closest('label')!)).toBe('Tags');
      expect(textOf(field(card, 'threshold').closest('label')!)).toBe('Threshold');
      expect(shadow(card).querySelector('.use-face form')?.getAttribute('aria-label')).toBe("Use Person 4's face as a custom expression");

      field(card, 'tags').value = ' tight smile, smirk ';
      field(card, 'threshold').value = '0.6';
      await submitFace(card);
      expect(asked).toHaveBeenCalledOnce();
      expect([asked.mock.calls[0][0].identity, asked.mock.calls[0][0].fields]).toEqual([4, { tags: ['tight smile', 'smirk'], threshold: 0.6 }]);

      field(card, 'tags').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await settle(card);
      expect(shadow(card).querySelector('.use-face form')).toBeNull();
      expect(shadow(card).activeElement).toBe(toggle(card));
    });

    it('says what is wrong before sending, and leaves the threshold to the server when empty', async () => {
      const card = await mount('mien-person-card', { pictures: new FakePictures(), identity: identity(4), now: T0 });
      const asked = vi.fn<(event: FaceReferenceEvent) => void>();
      card.addEventListener('face-reference', asked);
      toggle(card).click();
      await settle(card);
      await submitFace(card);
      expect(textOf(shadow(card).querySelector('.use-face [role="alert"]')!)).toBe('Give the expression at least one tag.');
      field(card, 'tags').value = 'smile';
      field(card, 'threshold').value = '3';
      await submitFace(card);
      expect(textOf(shadow(card).querySelector('.use-face [role="alert"]')!)).toBe('The threshold is a distance above 0 and at most 2.');
      expect(asked).not.toHaveBeenCalled();
      field(card, 'threshold').value = '';
      await submitFace(card);
      expect(asked.mock.calls.map(([e]) => e.fields)).toEqual([{ tags: ['smile'] }]);
      expect(shadow(card).querySelector('.use-face [role="alert"]')).toBeNull();
    });

    it("shows the request's progress and the server's sentence, then what was added with a link to it", async () => {
      const card = await mount('mien-person-card', { pictures: new FakePictures(), identity: identity(4, { name: 'Ana' }), now: T0 });
      toggle(card).click();
      await settle(card);
      field(card, 'tags').value = 'smile';
      await submitFace(card);
      card.faceReference = { status: 'busy' };
      await settle(card);
      const add = shadow(card).querySelector<HTMLButtonElement>('.use-face button[type="submit"]')!;
      expect([add.disabled, textOf(add)]).toEqual([true, 'Adding…']);

      card.faceReference = { status: 'failed', message: 'no face of identity 4 on screen lately' };
      await settle(card);
      expect(textOf(shadow(card).querySelector('.use-face [role="alert"]')!)).toBe('no face of identity 4 on screen lately');
      // Closed and opened again, the old refusal is gone.
      shadow(card).querySelector<HTMLButtonElement>('.use-face button[type="button"]')!.click();
      await settle(card);
      toggle(card).click();
      await settle(card);
      expect(shadow(card).querySelector('.use-face [role="alert"]')).toBeNull();

      field(card, 'tags').value = 'smile, grin';
      await submitFace(card);
      card.faceReference = { status: 'added', reference: reference(9, { tags: ['smile', 'grin'], rest: 'own-track' }) };
      await settle(card);
      expect(shadow(card).querySelector('.use-face form')).toBeNull();
      expect(shadow(card).activeElement).toBe(toggle(card));
      const added = shadow(card).querySelector('.use-face [role="status"]')!;
      expect(textOf(added)).toBe("Added “smile, grin” from Ana's face. See it in Custom expressions");
      expect(added.querySelector('a')?.getAttribute('href')).toBe('/expressions');
    });
  });
});
