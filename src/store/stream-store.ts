import type { SqliteDatabase } from './database.js';

export const STREAM_SCHEMA = `CREATE TABLE IF NOT EXISTS stream (
     id TEXT PRIMARY KEY,
     request TEXT NOT NULL,
     added_at TEXT NOT NULL
   );`;

/** A stream added over the API, as it was asked for. */
export interface KeptStream {
  readonly id: string;
  /** The request's JSON as it was accepted; read it again through the API's checks, which may have changed since. */
  readonly request: unknown;
}

/** Streams added over the API, kept so that a restart brings them back; in the order they were added. */
export class StreamStore {
  constructor(private readonly db: SqliteDatabase) {}

  keep(id: string, request: unknown): void {
    this.db.prepare('INSERT INTO stream (id, request, added_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET request = excluded.request').run(id, JSON.stringify(request), new Date().toISOString());
  }

  forget(id: string): void {
    this.db.prepare('DELETE FROM stream WHERE id = ?').run(id);
  }

  list(): KeptStream[] {
    const rows = this.db.prepare('SELECT id, request FROM stream ORDER BY added_at, rowid').all() as { id: string; request: string }[];
    return rows.map((row) => ({ id: row.id, request: JSON.parse(row.request) as unknown }));
  }
}
