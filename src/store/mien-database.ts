import { openDatabase, type SqliteDatabase } from './database.js';
import { REFERENCE_MIGRATIONS } from './reference-store.js';

/**
 * Every schema change of Mien's one database, in order; the index is the schema version. Append,
 * never edit: a database created by an older Mien is brought up to date on open.
 */
const MIGRATIONS: readonly string[] = [...REFERENCE_MIGRATIONS];

export function openMienDatabase(path: string): SqliteDatabase {
  return openDatabase(path, MIGRATIONS);
}
