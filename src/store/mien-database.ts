import { openDatabase, type SqliteDatabase } from './database.js';
import { EVENT_ID_COLUMN, EVENT_SCHEMA } from './event-store.js';
import { IDENTITY_FACE_SCHEMA } from './identity-face-store.js';
import { IDENTITY_SCHEMA } from './identity-store.js';
import { REFERENCE_REST_COLUMN, REFERENCE_SCHEMA } from './reference-store.js';
import { STREAM_SCHEMA } from './stream-store.js';

/**
 * Every schema change of Mien's one database, in order: entry n brings version n to n + 1. Append,
 * never edit: a database created by an older Mien is brought up to date on open.
 *   1: custom expressions (references and their tags)
 *   2: events, identities and their tag counts
 *   3: what a relative reference was read against
 *   4: streams added over the API, kept across restarts
 *   5: the faces each person is found again by, across restarts
 *   6: events' fleet ids, each stored once
 */
const MIGRATIONS: readonly string[] = [REFERENCE_SCHEMA, `${EVENT_SCHEMA}\n${IDENTITY_SCHEMA}`, REFERENCE_REST_COLUMN, STREAM_SCHEMA, IDENTITY_FACE_SCHEMA, EVENT_ID_COLUMN];

export function openMienDatabase(path: string): SqliteDatabase {
  return openDatabase(path, MIGRATIONS);
}
