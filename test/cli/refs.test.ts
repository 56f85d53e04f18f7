import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

describe('mien refs', () => {
  it('adds a smiling face as a custom expression, lists it and removes it', () => {
    const db = join(scratchDir(), 'mien.db');
    const added = mien('refs', 'add', fixture('faces/london/002_08.jpg'), '--tag', 'smile', '--tag', 'happy', '--threshold', '0.4', '--db', db);
    expect(added.status, added.stderr).toBe(0);
    const { id, tags, threshold } = JSON.parse(added.stdout) as { id: number; tags: string[]; threshold: number };
    expect(tags).toEqual(['smile', 'happy']);
    expect(threshold).toBe(0.4);
    const listed = JSON.parse(mien('refs', 'list', '--db', db).stdout) as { references: { id: number; tags: string[] }[] };
    expect(listed.references.map((r) => [r.id, r.tags])).toEqual([[id, ['smile', 'happy']]]);
    expect(mien('refs', 'remove', String(id), '--db', db).status).toBe(0);
    expect(JSON.parse(mien('refs', 'list', '--db', db).stdout)).toEqual({ references: [] });
    expect(mien('refs', 'remove', String(id), '--db', db).stderr).toMatch(/no reference with id/);
  });

  it('refuses a picture without a face, a corrupt file and a missing tag, leaving the database unchanged', async () => {
    const dir = scratchDir();
    const db = join(dir, 'mien.db');
    const empty = join(dir, 'sky.png');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 220 } } }).png().toFile(empty);
    const corrupt = join(dir, 'broken.jpg');
    writeFileSync(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]));

    const noFace = mien('refs', 'add', empty, '--tag', 'smile', '--db', db);
    expect(noFace.status).toBe(1);
    expect(noFace.stderr).toMatch(/sky\.png: no face found in the picture; nothing was added/);
    const broken = mien('refs', 'add', corrupt, '--tag', 'smile', '--db', db);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.jpg: not a picture Mien can read.*nothing was added/);
    const untagged = mien('refs', 'add', fixture('faces/london/002_08.jpg'), '--db', db);
    expect(untagged.status).toBe(2);
    expect(untagged.stderr).toMatch(/at least one tag/);
    expect(JSON.parse(mien('refs', 'list', '--db', db).stdout)).toEqual({ references: [] });
  });
});
