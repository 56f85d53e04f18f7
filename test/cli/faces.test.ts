import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/ingest/image-file.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

describe('mien faces', () => {
  it('prints every face as JSON and draws them', async () => {
    const out = join(scratchDir(), 'overlay.png');
    const run = mien('faces', fixture('expressions/pexels/group.jpeg'), '--draw', out, '--embeddings');
    expect(run.status, run.stderr).toBe(0);
    const { faces } = JSON.parse(run.stdout) as { faces: Record<string, unknown>[] };
    expect(faces.length).toBeGreaterThanOrEqual(4);
    for (const face of faces) {
      expect(face).toMatchObject({
        box: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
        score: expect.any(Number),
        quality: { sharpness: expect.any(Number), yaw: expect.any(Number), pitch: expect.any(Number), roll: expect.any(Number), accepted: expect.any(Boolean), reasons: expect.any(Array) },
        expression: { top: expect.any(Array) },
      });
      expect(face.landmarks5).toHaveLength(5);
      expect(face.identityEmbedding).toHaveLength(512);
      expect((face.expressionEmbedding as number[]).length).toBeGreaterThan(0);
    }
    const drawn = await readImageFile(out);
    const original = await readImageFile(fixture('expressions/pexels/group.jpeg'));
    expect([drawn.width, drawn.height]).toEqual([original.width, original.height]);
  });

  it('refuses a file that is not a picture with one clear line and status 1', () => {
    const notes = join(scratchDir(), 'notes.jpg');
    writeFileSync(notes, 'these are not pixels');
    const run = mien('faces', notes);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^mien: .*notes\.jpg: not a picture Mien can read/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('answers --help and rejects unknown options', () => {
    expect(mien('faces', '--help').stdout).toMatch(/Usage: mien faces/);
    const bad = mien('faces', '--frobnicate');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/frobnicate/);
    expect(mien('--help').stdout).toMatch(/faces .*\n.*models/s);
  });
});
