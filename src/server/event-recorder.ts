import { InProcessEventBus, type EventBus } from '../events/event-bus.js';
import type { MienEvent } from '../events/events.js';
import { IdentityStoreError } from '../store/errors.js';
import type { EventStore } from '../store/event-store.js';
import type { IdentityStore } from '../store/identity-store.js';
import type { MienMetrics } from './metrics.js';

/**
 * Keeps every event the analysis publishes: stored, then passed on to subscribers (`stored`), so
 * an event a client was sent survives a crash. The events published in one task (a frame's) are
 * written in one transaction. People's counts and merges, and the series an event moves, follow.
 */
export class EventRecorder {
  /** Events once they are stored: what subscribers are sent. */
  readonly stored: EventBus = new InProcessEventBus();
  private readonly pending: MienEvent[] = [];
  private flushPlanned = false;
  private closed = false;

  constructor(
    bus: EventBus,
    private readonly events: EventStore,
    private readonly identities: IdentityStore,
    private readonly metrics: MienMetrics,
  ) {
    bus.subscribe((event) => this.record(event));
  }

  /** Stores what is waiting now (before a read of the store, say). */
  flush(): void {
    this.flushPlanned = false;
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending.splice(0);
    this.events.append(batch);
    for (const event of batch) this.stored.publish(event);
  }

  /** Deletes events older than `days`. */
  prune(days: number): void {
    this.flush();
    this.events.prune(new Date(Date.now() - days * 86_400_000).toISOString());
  }

  /** Stores the last events; nothing is stored after (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private record(event: MienEvent): void {
    this.pending.push(event);
    if (!this.flushPlanned) {
      this.flushPlanned = true;
      setImmediate(() => this.flush());
    }
    this.metrics.observeEvent(event);
    if (event.kind === 'face') this.identities.recordFace(event);
    if (event.kind === 'stream-status') this.metrics.streamUp.set({ stream: event.stream }, event.status === 'playing' ? 1 : 0);
    if (event.kind === 'identity-merged') {
      for (const from of event.merged) {
        try {
          this.identities.merge(event.identity, from);
        } catch (error) {
          // Merged already (over the API): nothing left to move.
          if (!(error instanceof IdentityStoreError)) throw error;
        }
      }
    }
  }
}
