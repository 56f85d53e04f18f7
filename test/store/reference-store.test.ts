import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceStoreError } from '../../src/store/errors.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { ReferenceStore, type NewReference } from '../../src/store/reference-store.js';
import { scratchDir } from '../support/fixtures.js';

const reference = (tags: string[], threshold?: number): NewReference => ({
  tags,
  threshold,
  embeddingModel: 'test-7',
  rest: 'none',
  embedding: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0, 0, 0]),
  cropPng: new Uint8Array([137, 80, 78, 71]),
  box: [1, 2, 3, 4],
  source: 'smile.jpg',
});

describe('ReferenceStore', () => {
  it('adds, lists and removes references, and they survive reopening the database', () => {
    const path = join(scratchDir(), 'mien.db');
    let db = openMienDatabase(path);
    const store = new ReferenceStore(db);
    const a = store.add(reference([' tight smile ', 'smile', 'smile']));
    const b = store.add(reference(['eye-roll'], 0.3));
    expect(a.tags).toEqual(['tight smile', 'smile']);
    expect(a.threshold).toBeUndefined();
    expect(b.threshold).toBe(0.3);
    expect(Array.from(a.embedding)).toEqual([0.5, 0.5, 0.5, 0.5, 0, 0, 0]);
    db.close();

    db = openMienDatabase(path);
    const reopened = new ReferenceStore(db);
    expect(reopened.list().map((r) => [r.id, r.tags])).toEqual([[a.id, ['tight smile', 'smile']], [b.id, ['eye-roll']]]);
    expect(reopened.remove(a.id)).toBe(true);
    expect(reopened.remove(a.id)).toBe(false);
    expect(reopened.list().map((r) => r.id)).toEqual([b.id]);
    // Ids are never reused.
    expect(reopened.add(reference(['smile'])).id).toBeGreaterThan(b.id);
    db.close();
  });

  it('refuses a reference without a tag or with a nonsense threshold, and stores nothing', () => {
    const db = openMienDatabase(join(scratchDir(), 'mien.db'));
    const store = new ReferenceStore(db);
    expect(() => store.add(reference([]))).toThrow(ReferenceStoreError);
    expect(() => store.add(reference(['  ']))).toThrow(/at least one tag/);
    expect(() => store.add(reference(['smile'], 0))).toThrow(/threshold/);
    expect(() => store.add(reference(['smile'], 3))).toThrow(/threshold/);
    expect(store.list()).toEqual([]);
    db.close();
  });
});
