import { Counter, Gauge, type Registry } from 'prom-client';
import { AnalysisMetrics } from '../runtime/analysis-metrics.js';
import type { IdentityStore } from '../store/identity-store.js';
import type { EventHub } from './event-hub.js';

/** What a server serves, counted in `registry`: the people it knows and its WebSocket subscribers. */
export class ServedMetrics {
  readonly identities: Gauge;
  readonly subscribers: Gauge;
  readonly queuedMessages: Gauge;
  readonly droppedMessages: Counter;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
    this.identities = gauge('mien_identities', 'People known');
    this.subscribers = gauge('mien_websocket_subscribers', 'WebSocket subscribers connected');
    this.queuedMessages = gauge('mien_websocket_queued_messages', 'Messages waiting for the slowest WebSocket subscriber');
    this.droppedMessages = new Counter({ name: 'mien_websocket_dropped_messages_total', help: 'Events dropped for slow WebSocket subscribers', registers: [registry] });
  }

  /** Sets the gauges that are read rather than counted: just before a scrape. */
  read(hub: EventHub, identities: IdentityStore): void {
    this.subscribers.set(hub.size);
    this.queuedMessages.set(hub.mostQueued);
    this.identities.set(identities.count());
  }
}

/** `mien serve`'s metrics: the live analysis's, and what it serves. */
export class MienMetrics extends AnalysisMetrics {
  readonly served = new ServedMetrics(this.registry);
}
