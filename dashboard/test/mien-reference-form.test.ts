// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { parseTags, type ReferenceSubmitEvent } from '../src/elements/mien-reference-form.js';
import '../src/elements/mien-reference-form.js';
import { mount, settle, shadow, textOf } from './mount.js';

const jpeg = (name = 'smile.jpg') => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type: 'image/jpeg' });

async function fill(form: HTMLElementTagNameMap['mien-reference-form'], fields: { tags?: string; threshold?: string }) {
  const root = shadow(form);
  if (fields.tags !== undefined) root.querySelector<HTMLInputElement>('input[name="tags"]')!.value = fields.tags;
  if (fields.threshold !== undefined) root.querySelector<HTMLInputElement>('input[name="threshold"]')!.value = fields.threshold;
}

function choose(form: HTMLElementTagNameMap['mien-reference-form'], file: File, field: 'picture' | 'rest' = 'picture') {
  const input = shadow(form).querySelector<HTMLInputElement>(`input[type="file"][name="${field}"]`)!;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change'));
}

async function submit(form: HTMLElementTagNameMap['mien-reference-form']) {
  shadow(form).querySelector('form')!.requestSubmit();
  await settle(form);
}

describe('mien-reference-form', () => {
  it('sends the chosen picture with its tags and threshold', async () => {
    const form = await mount('mien-reference-form');
    const submitted = vi.fn<(event: ReferenceSubmitEvent) => void>();
    document.body.addEventListener('reference-submit', submitted);
    const picture = jpeg();
    choose(form, picture);
    await fill(form, { tags: ' smile, big grin ,smile,', threshold: '0.4' });
    await submit(form);
    expect(submitted).toHaveBeenCalledOnce();
    expect(submitted.mock.calls[0][0].upload).toEqual({ picture, tags: ['smile', 'big grin'], threshold: 0.4 });
    expect(textOf(shadow(form).querySelector('.drop')!)).toContain('smile.jpg');
    expect(shadow(form).querySelector('.drop img')?.getAttribute('src')).toMatch(/^blob:/);
  });

  it('takes a dropped picture, and leaves the threshold to the server when empty', async () => {
    const form = await mount('mien-reference-form');
    const submitted = vi.fn<(event: ReferenceSubmitEvent) => void>();
    form.addEventListener('reference-submit', submitted);
    const drop = shadow(form).querySelector('.drop')!;
    drop.dispatchEvent(new Event('dragover', { cancelable: true }));
    await settle(form);
    expect(drop.classList.contains('dragging')).toBe(true);
    const dropped = Object.assign(new Event('drop', { cancelable: true }), { dataTransfer: { files: [jpeg('dropped.png')] } });
    drop.dispatchEvent(dropped);
    expect(dropped.defaultPrevented).toBe(true);
    await fill(form, { tags: 'frown' });
    await submit(form);
    expect(drop.classList.contains('dragging')).toBe(false);
    expect(submitted.mock.calls[0][0].upload.tags).toEqual(['frown']);
    expect(submitted.mock.calls[0][0].upload).not.toHaveProperty('threshold');
    expect((submitted.mock.calls[0][0].upload.picture as File).name).toBe('dropped.png');
  });

  it('sends a photo of the same person at rest when one is chosen, and forgets it once added', async () => {
    const form = await mount('mien-reference-form');
    const submitted = vi.fn<(event: ReferenceSubmitEvent) => void>();
    form.addEventListener('reference-submit', submitted);
    const restInput = shadow(form).querySelector<HTMLInputElement>('input[type="file"][name="rest"]')!;
    expect(textOf(restInput.closest('label')!)).toContain('A photo of the same person at rest (optional)');
    const picture = jpeg();
    const rest = jpeg('at-rest.jpg');
    choose(form, picture);
    choose(form, rest, 'rest');
    await fill(form, { tags: 'smile' });
    await submit(form);
    expect(submitted.mock.calls[0][0].upload).toEqual({ picture, rest, tags: ['smile'] });

    form.upload = { status: 'added', reference: 7 };
    await settle(form);
    choose(form, jpeg());
    await fill(form, { tags: 'grin' });
    await submit(form);
    expect(submitted.mock.calls[1][0].upload).not.toHaveProperty('rest');
  });

  it('says what is missing or wrong instead of sending', async () => {
    const form = await mount('mien-reference-form');
    const submitted = vi.fn();
    form.addEventListener('reference-submit', submitted);
    const problem = () => textOf(shadow(form).querySelector('[role="alert"]')!);
    await fill(form, { tags: 'smile' });
    await submit(form);
    expect(problem()).toBe('Choose or drop a picture of a face first.');
    choose(form, jpeg());
    await fill(form, { tags: ' , ' });
    await submit(form);
    expect(problem()).toBe('Give the expression at least one tag.');
    await fill(form, { tags: 'x'.repeat(65) });
    await submit(form);
    expect(problem()).toBe('Tags are at most 64 characters.');
    await fill(form, { tags: 'smile', threshold: '2.5' });
    await submit(form);
    expect(problem()).toBe('The threshold is a distance above 0 and at most 2.');
    expect(submitted).not.toHaveBeenCalled();
  });

  it("shows the upload's progress and the server's refusal, and clears itself once added", async () => {
    const form = await mount('mien-reference-form');
    choose(form, jpeg());
    await fill(form, { tags: 'smile', threshold: '0.3' });
    form.upload = { status: 'busy' };
    await settle(form);
    const button = shadow(form).querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect([button.disabled, textOf(button)]).toEqual([true, 'Finding the face…']);
    form.upload = { status: 'failed', message: 'no face found in the upload; nothing was added' };
    await settle(form);
    expect(textOf(shadow(form).querySelector('[role="alert"]')!)).toBe('no face found in the upload; nothing was added');
    form.upload = { status: 'added', reference: 7 };
    await settle(form);
    expect(shadow(form).querySelector<HTMLInputElement>('input[name="tags"]')!.value).toBe('');
    expect(shadow(form).querySelector<HTMLInputElement>('input[name="threshold"]')!.value).toBe('');
    expect(shadow(form).querySelector('.drop img')).toBeNull();
    expect(shadow(form).querySelector('[role="alert"]')).toBeNull();
  });

  it('reads tags typed comma-separated', () => {
    expect(parseTags('smile,  grin , ,smile')).toEqual(['smile', 'grin']);
  });
});
