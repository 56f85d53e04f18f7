import { Gauge } from 'prom-client';
import { AnalysisMetrics } from '../runtime/analysis-metrics.js';

/** `mien serve`'s metrics: the live analysis's, and the people and WebSocket subscribers it serves. */
export class MienMetrics extends AnalysisMetrics {
  readonly identities = new Gauge({ name: 'mien_identities', help: 'People known', registers: [this.registry] });
  readonly subscribers = new Gauge({ name: 'mien_websocket_subscribers', help: 'WebSocket subscribers connected', registers: [this.registry] });
  readonly queuedMessages = new Gauge({ name: 'mien_websocket_queued_messages', help: 'Messages waiting for the slowest WebSocket subscriber', registers: [this.registry] });
  readonly droppedMessages = this.counter('mien_websocket_dropped_messages_total', 'Events dropped for slow WebSocket subscribers', []);
}
