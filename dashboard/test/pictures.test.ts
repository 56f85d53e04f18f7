// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pictures } from '../src/api/pictures.js';

const jpeg = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });

describe('Pictures', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fetches a picture that does not change once per path, and asks again for one that failed', async () => {
    let fail = true;
    const source = vi.fn(async (path: string) => {
      if (fail && path.endsWith('7/thumbnail.jpg')) throw new Error('404');
      return jpeg();
    });
    const pictures = new Pictures(source);
    const first = await pictures.stable('/api/identities/4/thumbnail.jpg');
    expect(first).toMatch(/^blob:/);
    expect(await pictures.stable('/api/identities/4/thumbnail.jpg')).toBe(first);
    expect(source).toHaveBeenCalledTimes(1);

    expect(await pictures.stable('/api/identities/7/thumbnail.jpg')).toBeUndefined();
    fail = false;
    expect(await pictures.stable('/api/identities/7/thumbnail.jpg')).toMatch(/^blob:/);
    expect(source).toHaveBeenCalledTimes(3);
  });

  it('keeps the latest pictures asked for, and frees the object URL of one it lets go', async () => {
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    const pictures = new Pictures(async () => jpeg(), 2);
    const a = await pictures.stable('/a');
    await pictures.stable('/b');
    await pictures.stable('/a');
    await pictures.stable('/c');
    await Promise.resolve();
    // /b was the least recently asked for.
    expect(revoked).toHaveBeenCalledTimes(1);
    expect(revoked.mock.calls[0][0]).not.toBe(a);
    expect(await pictures.stable('/a')).toBe(a);
  });

  it('gives a new object URL for each fetch of a picture that changes, and fails as its source does', async () => {
    const pictures = new Pictures(async (path) => {
      if (path === '/none') throw new Error('no analysed frame yet');
      return jpeg();
    });
    const [one, two] = [await pictures.fresh('/preview.jpg'), await pictures.fresh('/preview.jpg')];
    expect(one).not.toBe(two);
    await expect(pictures.fresh('/none')).rejects.toThrow('no analysed frame yet');
  });
});
