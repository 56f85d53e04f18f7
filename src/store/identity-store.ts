import type { FaceEvent, IdentityAttributedEvent } from '../events/events.js';
import type { SqliteDatabase } from './database.js';
import { IdentityStoreError } from './errors.js';

export const IDENTITY_SCHEMA = `CREATE TABLE IF NOT EXISTS identity (
     id INTEGER PRIMARY KEY,
     name TEXT,
     first_seen TEXT NOT NULL,
     last_seen TEXT NOT NULL,
     faces INTEGER NOT NULL DEFAULT 0,
     accepted INTEGER NOT NULL DEFAULT 0,
     thumbnail TEXT,
     merged_into INTEGER REFERENCES identity(id)
   );
   CREATE TABLE IF NOT EXISTS identity_tag (
     identity INTEGER NOT NULL REFERENCES identity(id),
     tag TEXT NOT NULL,
     tagged INTEGER NOT NULL,
     PRIMARY KEY (identity, tag)
   );`;

/** A person as the server lists them. */
export interface StoredIdentity {
  readonly id: number;
  readonly name: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly faces: number;
  readonly accepted: number;
  /** Path of the thumbnail file, relative to the data directory. */
  readonly thumbnail: string | null;
  /** Tag -> tagged faces / accepted faces. */
  readonly appearance: Record<string, number>;
}

interface IdentityRow {
  id: number;
  name: string | null;
  first_seen: string;
  last_seen: string;
  faces: number;
  accepted: number;
  thumbnail: string | null;
}

/**
 * People seen, with their counts and appearance rates, kept current from face events; merged
 * identities point at the one they became and leave the list. Ids are the clustering's, and the
 * highest id ever stored tells a restarted clustering where to continue.
 */
export class IdentityStore {
  // Prepared once: a face event is counted for every face analysed.
  private readonly countFace;
  private readonly countTag;
  private readonly countAttributed;
  private readonly mergedInto;

  constructor(private readonly db: SqliteDatabase) {
    this.countFace = db.prepare(
      `INSERT INTO identity (id, first_seen, last_seen, faces, accepted) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen), first_seen = min(first_seen, excluded.first_seen),
         faces = faces + 1, accepted = accepted + excluded.accepted`,
    );
    this.countTag = db.prepare('INSERT INTO identity_tag (identity, tag, tagged) VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET tagged = tagged + 1');
    this.countAttributed = db.prepare(
      `INSERT INTO identity (id, first_seen, last_seen, faces, accepted) VALUES (?, ?, ?, ?, 0)
       ON CONFLICT (id) DO UPDATE SET faces = faces + excluded.faces`,
    );
    this.mergedInto = db.prepare('SELECT merged_into FROM identity WHERE id = ?');
  }

  /** Counts a face of a known person. */
  recordFace(face: FaceEvent): void {
    if (face.identity === null) return;
    const id = this.resolve(face.identity);
    this.countFace.run(id, face.wallTime, face.wallTime, face.accepted ? 1 : 0);
    for (const tag of face.tags ?? []) this.countTag.run(id, tag);
  }

  /**
   * Counts the faces an identity-attributed event gives a person (told without one before): as
   * faces seen, not as accepted, since they were never compared with the references.
   */
  recordAttributed(event: IdentityAttributedEvent): void {
    this.countAttributed.run(this.resolve(event.identity), event.wallTime, event.wallTime, event.faces);
  }

  setThumbnail(id: number, path: string): void {
    this.db.prepare('UPDATE identity SET thumbnail = ? WHERE id = ?').run(path, this.resolve(id));
  }

  rename(id: number, name: string | null): StoredIdentity {
    const clean = name === null ? null : name.trim();
    if (clean !== null && (clean.length === 0 || clean.length > 100)) throw new IdentityStoreError('a name is 1 to 100 characters');
    if (this.db.prepare('UPDATE identity SET name = ? WHERE id = ? AND merged_into IS NULL').run(clean, id).changes === 0) {
      throw new IdentityStoreError(`no identity ${id}`);
    }
    return this.get(id)!;
  }

  /** `from` was `into` all along: counts move over and `from` leaves the list. */
  merge(into: number, from: number): StoredIdentity {
    const a = this.resolve(into), b = this.resolve(from);
    if (a === b) throw new IdentityStoreError(`identities ${into} and ${from} are already one`);
    const [target, source] = [this.row(a), this.row(b)];
    if (!target || !source) throw new IdentityStoreError(`no identity ${target ? from : into}`);
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE identity SET faces = faces + ?, accepted = accepted + ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), name = coalesce(name, ?), thumbnail = coalesce(thumbnail, ?) WHERE id = ?')
        .run(source.faces, source.accepted, source.first_seen, source.last_seen, source.name, source.thumbnail, a);
      for (const { tag, tagged } of this.db.prepare('SELECT tag, tagged FROM identity_tag WHERE identity = ?').all(b) as { tag: string; tagged: number }[]) {
        this.db.prepare('INSERT INTO identity_tag (identity, tag, tagged) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET tagged = tagged + excluded.tagged').run(a, tag, tagged);
      }
      this.db.prepare('DELETE FROM identity_tag WHERE identity = ?').run(b);
      this.db.prepare('UPDATE identity SET merged_into = ? WHERE id = ? OR merged_into = ?').run(a, b, b);
    })();
    return this.get(a)!;
  }

  get(id: number): StoredIdentity | undefined {
    const row = this.row(this.resolve(id));
    return row && this.withAppearance(row);
  }

  list(): StoredIdentity[] {
    return (this.db.prepare('SELECT * FROM identity WHERE merged_into IS NULL ORDER BY id').all() as IdentityRow[]).map((r) => this.withAppearance(r));
  }

  /** People listed (merged ones are not). */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM identity WHERE merged_into IS NULL').get() as { n: number }).n;
  }

  /** The highest identity id ever stored, or -1. */
  highestId(): number {
    return (this.db.prepare('SELECT max(id) AS id FROM identity').get() as { id: number | null }).id ?? -1;
  }

  /** The identity an id lives on as, following merges. */
  resolve(id: number): number {
    const row = this.mergedInto.get(id) as { merged_into: number | null } | undefined;
    return row?.merged_into ?? id;
  }

  private row(id: number): IdentityRow | undefined {
    return this.db.prepare('SELECT * FROM identity WHERE id = ?').get(id) as IdentityRow | undefined;
  }

  private withAppearance(row: IdentityRow): StoredIdentity {
    const tags = this.db.prepare('SELECT tag, tagged FROM identity_tag WHERE identity = ? ORDER BY tag').all(row.id) as { tag: string; tagged: number }[];
    return {
      id: row.id,
      name: row.name,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      faces: row.faces,
      accepted: row.accepted,
      thumbnail: row.thumbnail,
      appearance: Object.fromEntries(tags.map((t) => [t.tag, row.accepted ? t.tagged / row.accepted : 0])),
    };
  }
}
