import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export const databasePath = (dataDir: string): string => join(dataDir, 'mien.db');

/**
 * Opens (creating if needed) a SQLite database in WAL mode, so readers never wait for the writer,
 * and applies `migrations` in order; the schema version is SQLite's user_version.
 */
export function openDatabase(path: string, migrations: readonly string[]): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let v = version; v < migrations.length; v++) db.exec(migrations[v]);
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return db;
}
