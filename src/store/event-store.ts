import type { EventKind, MienEvent } from '../events/events.js';
import type { SqliteDatabase } from './database.js';

export const EVENT_SCHEMA = `CREATE TABLE IF NOT EXISTS event (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     stream TEXT NOT NULL,
     pts REAL NOT NULL,
     wall_time TEXT NOT NULL,
     identity INTEGER,
     tag TEXT,
     body TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS event_wall_time ON event (wall_time);
   CREATE INDEX IF NOT EXISTS event_stream ON event (stream, pts);
   CREATE INDEX IF NOT EXISTS event_identity ON event (identity, wall_time);
   CREATE INDEX IF NOT EXISTS event_tag ON event (tag, wall_time);`;

/** Events from a fleet's log carry an id: stored once however often they are delivered. */
export const EVENT_ID_COLUMN = `ALTER TABLE event ADD COLUMN event_id TEXT;
   CREATE UNIQUE INDEX IF NOT EXISTS event_by_id ON event (event_id);`;

export interface EventQuery {
  readonly stream?: string;
  readonly identity?: number;
  readonly tag?: string;
  readonly kinds?: readonly EventKind[];
  /** Wall-clock range, ISO 8601, inclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Events after this cursor (an earlier page's `next`). */
  readonly after?: number;
  /** Page size, 1..1000. Default 100. */
  readonly limit?: number;
}

export interface EventPage {
  readonly events: MienEvent[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly next?: number;
}

/** Every event kept, queryable by stream, identity, tag, kind and time; old ones are pruned by retention. */
export class EventStore {
  private readonly insert;
  private readonly attribute;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO event (kind, stream, pts, wall_time, identity, tag, body, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING');
    this.attribute = db.prepare(
      `UPDATE event SET identity = @identity, body = json_set(body, '$.identity', @identity)
       WHERE kind = 'face' AND stream = @stream AND identity IS NULL AND pts BETWEEN @fromPts AND @toPts AND json_extract(body, '$.track') = @track`,
    );
  }

  /**
   * Keeps events, and returns those it had not kept already (an event with an id is kept once);
   * an identity-attributed event also gives its faces, stored without a person, theirs.
   */
  append(events: readonly MienEvent[]): MienEvent[] {
    return this.db.transaction(() =>
      events.filter((e) => {
        const identity = 'identity' in e && typeof e.identity === 'number' ? e.identity : null;
        const tag = 'tag' in e ? e.tag : null;
        if (this.insert.run(e.kind, e.stream, e.pts, e.wallTime, identity, tag, JSON.stringify(e), e.id ?? null).changes === 0) return false;
        if (e.kind === 'identity-attributed') this.attribute.run({ identity: e.identity, stream: e.stream, fromPts: e.fromPts, toPts: e.toPts, track: e.track });
        return true;
      }),
    )();
  }

  query(q: EventQuery = {}): EventPage {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, ...values: (string | number)[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (q.stream !== undefined) add('stream = ?', q.stream);
    if (q.identity !== undefined) add('identity = ?', q.identity);
    if (q.tag !== undefined) add('tag = ?', q.tag);
    if (q.kinds?.length) add(`kind IN (${q.kinds.map(() => '?').join(', ')})`, ...q.kinds);
    if (q.from !== undefined) add('wall_time >= ?', q.from);
    if (q.to !== undefined) add('wall_time <= ?', q.to);
    if (q.after !== undefined) add('id > ?', q.after);
    const rows = this.db
      .prepare(`SELECT id, body FROM event ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`)
      .all(...args, limit + 1) as { id: number; body: string }[];
    const page = rows.slice(0, limit);
    const events = page.map((r) => JSON.parse(r.body) as MienEvent);
    return rows.length > limit ? { events, next: page[page.length - 1].id } : { events };
  }

  /** Deletes events older than `before` (ISO 8601); returns how many. */
  prune(before: string): number {
    return this.db.prepare('DELETE FROM event WHERE wall_time < ?').run(before).changes;
  }
}
