import type { ReferenceRest } from '../expression/reference-face.js';
import type { SqliteDatabase } from './database.js';
import { ReferenceStoreError } from './errors.js';

/** A custom expression as stored: the reference face, its embedding and its tags. */
export interface StoredReference {
  readonly id: number;
  readonly tags: string[];
  /** Distance threshold for this reference; absent means the embedding's default. */
  readonly threshold?: number;
  readonly createdAt: string;
  /** Name of the embedding `embedding` was computed with (see src/expression/embedding.ts). */
  readonly embeddingModel: string;
  readonly embedding: Float32Array;
  /** What a relative embedding read the face against (reference-face.ts); 'none' for the others. */
  readonly rest: ReferenceRest;
  /** The face as the expression model saw it (the eye-aligned crop), PNG. */
  readonly cropPng: Uint8Array;
  /** The face's box in the source picture and the picture's name, for display. */
  readonly box: [number, number, number, number];
  readonly source: string;
}

export type NewReference = Omit<StoredReference, 'id' | 'createdAt'>;

export const REFERENCE_SCHEMA = `CREATE TABLE IF NOT EXISTS reference (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     created_at TEXT NOT NULL,
     threshold REAL,
     embedding_model TEXT NOT NULL,
     embedding BLOB NOT NULL,
     crop_png BLOB NOT NULL,
     box TEXT NOT NULL,
     source TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS reference_tag (
     reference_id INTEGER NOT NULL REFERENCES reference(id) ON DELETE CASCADE,
     tag TEXT NOT NULL,
     PRIMARY KEY (reference_id, tag)
   );`;

/** Migration 3: what a relative reference was read against (older references read faces alone). */
export const REFERENCE_REST_COLUMN = `ALTER TABLE reference ADD COLUMN rest TEXT NOT NULL DEFAULT 'none';`;

interface ReferenceRow {
  id: number;
  created_at: string;
  threshold: number | null;
  embedding_model: string;
  embedding: Buffer;
  rest: ReferenceRest;
  crop_png: Buffer;
  box: string;
  source: string;
  tags: string;
}

/** Normalises tags: trimmed, non-empty, at most 64 characters, unique, in the order given. */
export function normaliseTags(tags: readonly string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim()))];
  if (clean.length === 0 || clean.some((t) => t.length === 0 || t.length > 64)) {
    throw new ReferenceStoreError('a reference needs at least one tag, each 1 to 64 characters');
  }
  return clean;
}

/** Custom expressions in SQLite (the tables of REFERENCE_MIGRATIONS). */
export class ReferenceStore {
  constructor(private readonly db: SqliteDatabase) {}

  add(reference: NewReference): StoredReference {
    return this.insert(undefined, new Date().toISOString(), reference);
  }

  /** Keeps a reference made elsewhere (a fleet's) under its own id and time, in place of one of that id. */
  put(reference: StoredReference): StoredReference {
    return this.db.transaction(() => {
      this.remove(reference.id);
      return this.insert(reference.id, reference.createdAt, reference);
    })();
  }

  private insert(given: number | undefined, createdAt: string, reference: NewReference): StoredReference {
    const tags = normaliseTags(reference.tags);
    if (reference.threshold !== undefined && !(reference.threshold > 0 && reference.threshold <= 2)) {
      throw new ReferenceStoreError(`threshold must be in (0, 2], got ${reference.threshold}`);
    }
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO reference (id, created_at, threshold, embedding_model, embedding, rest, crop_png, box, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          given ?? null,
          createdAt,
          reference.threshold ?? null,
          reference.embeddingModel,
          Buffer.from(reference.embedding.buffer, reference.embedding.byteOffset, reference.embedding.byteLength),
          reference.rest,
          Buffer.from(reference.cropPng),
          JSON.stringify(reference.box),
          reference.source,
        );
      const insertTag = this.db.prepare('INSERT INTO reference_tag (reference_id, tag) VALUES (?, ?)');
      for (const tag of tags) insertTag.run(lastInsertRowid, tag);
      return Number(lastInsertRowid);
    })();
    return this.get(id)!;
  }

  get(id: number): StoredReference | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ? GROUP BY r.id`).get(id) as ReferenceRow | undefined;
    return row && fromRow(row);
  }

  list(): StoredReference[] {
    return (this.db.prepare(`${SELECT} GROUP BY r.id ORDER BY r.id`).all() as ReferenceRow[]).map(fromRow);
  }

  /** Deletes a reference; false when there was none with that id. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM reference WHERE id = ?').run(id).changes > 0;
  }
}

const SELECT = `SELECT r.*, json_group_array(t.tag ORDER BY t.rowid) AS tags FROM reference r LEFT JOIN reference_tag t ON t.reference_id = r.id`;

function fromRow(row: ReferenceRow): StoredReference {
  const embedding = new Float32Array(row.embedding.byteLength / 4);
  new Uint8Array(embedding.buffer).set(row.embedding);
  return {
    id: row.id,
    tags: (JSON.parse(row.tags) as (string | null)[]).filter((t): t is string => t !== null),
    ...(row.threshold !== null && { threshold: row.threshold }),
    createdAt: row.created_at,
    embeddingModel: row.embedding_model,
    embedding,
    rest: row.rest,
    cropPng: new Uint8Array(row.crop_png),
    box: JSON.parse(row.box) as [number, number, number, number],
    source: row.source,
  };
}
