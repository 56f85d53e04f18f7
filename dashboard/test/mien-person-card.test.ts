// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { IdentityRenameEvent } from '../src/elements/mien-person-card.js';
import '../src/elements/mien-person-card.js';
import { identity, T0 } from './builders.js';
import { mount, settle, shadow, textOf } from './mount.js';

describe('mien-person-card', () => {
  it('shows the thumbnail, name or number, faces seen, tags now, timeline and appearance', async () => {
    const rows = [{ stream: 'cam', segments: [{ identity: 4, stream: 'cam', tag: 'smile', startMs: T0, endMs: T0 + 2000, open: true, distance: 0.3 }] }];
    const card = await mount('mien-person-card', {
      identity: identity(4, { appearance: { smile: 0.25 } }),
      rows,
      currentTags: ['smile'],
      now: T0 + 12_000,
      windowMs: 60_000,
    });
    const root = shadow(card);
    expect(root.querySelector('img.thumb')?.getAttribute('src')).toBe('/api/identities/4/thumbnail.jpg');
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
    const card = await mount('mien-person-card', { identity: identity(4), now: T0 });
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
    const card = await mount('mien-person-card', { identity: identity(4, { name: 'Ana' }), now: T0 });
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
});
