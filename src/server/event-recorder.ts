import { InProcessEventBus, type EventBus } from '../events/event-bus.js';
import { EVENT_KINDS, type MienEvent } from '../events/events.js';
import { IdentityStoreError } from '../store/errors.js';
import type { EventQuery } from '../store/event-store.js';
import type { MienStores } from '../store/mien-stores.js';
import { json, type Router } from './http.js';
import { HttpError } from './errors.js';

/**
 * Keeps every event the analysis publishes: stored, then passed on to subscribers (`stored`), so
 * an event a client was sent survives a crash. The events published in one task (a frame's) are
 * written in one transaction, with the people's counts and merges they make: both are kept, or
 * neither. Serves the stored events at /api/events.
 */
export class EventRecorder {
  /** Events once they are stored: what subscribers are sent. */
  readonly stored: EventBus = new InProcessEventBus();
  private readonly pending: MienEvent[] = [];
  private flushPlanned = false;
  private closed = false;

  constructor(
    bus: EventBus,
    private readonly stores: MienStores,
    /** Hears of each event as it comes, before it is stored (the analysis's metrics count it). */
    private readonly onEvent: (event: MienEvent) => void = () => {},
  ) {
    bus.subscribe((event) => this.record(event));
  }

  /** Stores what is waiting now (before a read of the store, say). */
  flush(): void {
    this.flushPlanned = false;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending.splice(0);
    // An event stored before (a fleet's event delivered again) is neither counted for its person nor sent again.
    const stored = this.stores.transaction(() => {
      const kept = this.stores.events.append(batch);
      for (const event of kept) this.countPeople(event);
      return kept;
    });
    for (const event of stored) this.stored.publish(event);
  }

  /** Deletes events older than `days`. */
  prune(days: number): void {
    this.flush();
    this.stores.events.prune(new Date(Date.now() - days * 86_400_000).toISOString());
  }

  routes(router: Router): void {
    router.add('GET', '/api/events', ({ query }) => {
      this.flush();
      return json(200, this.stores.events.query(eventQuery(query)));
    });
  }

  /** Stores the last events; nothing is stored after (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private record(event: MienEvent): void {
    // Counted as it comes, in order with the stream's series (a removed stream's go at once).
    this.onEvent(event);
    this.pending.push(event);
    if (!this.flushPlanned) {
      this.flushPlanned = true;
      setImmediate(() => this.flush());
    }
  }

  private countPeople(event: MienEvent): void {
    const { identities } = this.stores;
    if (event.kind === 'face') identities.recordFace(event);
    if (event.kind === 'identity-attributed') identities.recordAttributed(event);
    if (event.kind === 'identity-merged') {
      for (const from of event.merged) {
        try {
          identities.merge(event.identity, from);
        } catch (error) {
          // Merged already (over the API): nothing left to move.
          if (!(error instanceof IdentityStoreError)) throw error;
        }
      }
    }
  }
}

function eventQuery(q: URLSearchParams): EventQuery {
  const integer = (name: string): number | undefined => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    if (!/^\d+$/.test(raw)) throw new HttpError(400, `${name} must be a whole number, got "${raw}"`);
    return Number(raw);
  };
  const time = (name: string): string | undefined => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    if (Number.isNaN(Date.parse(raw))) throw new HttpError(400, `${name} must be an ISO 8601 time, got "${raw}"`);
    return new Date(raw).toISOString();
  };
  return {
    stream: q.get('stream') ?? undefined,
    identity: integer('identity'),
    tag: q.get('tag') ?? undefined,
    kinds: q.getAll('kind').map((kind) => {
      if (!(EVENT_KINDS as readonly string[]).includes(kind)) throw new HttpError(400, `kind must be one of ${EVENT_KINDS.join(', ')}, got "${kind}"`);
      return kind as MienEvent['kind'];
    }),
    from: time('from'),
    to: time('to'),
    after: integer('after'),
    limit: integer('limit'),
  };
}
