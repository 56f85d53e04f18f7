import { Gauge } from 'prom-client';
import { AnalysisMetrics } from '../runtime/analysis-metrics.js';

/** `mien worker`'s metrics: the live analysis's (the names `mien serve` uses), and its place in the fleet. */
export class WorkerMetrics extends AnalysisMetrics {
  readonly capacity = new Gauge({ name: 'mien_worker_capacity', help: 'Streams this worker runs at most', registers: [this.registry] });
  readonly natsConnected = new Gauge({ name: 'mien_worker_nats_connected', help: '1 while the worker is connected to NATS', registers: [this.registry] });
  readonly leasesLost = this.counter('mien_worker_leases_lost_total', 'Streams stopped because their lease was lost (taken by another worker, or not renewed in time)', []);
  readonly eventsLost = this.counter('mien_worker_events_lost_total', 'Events JetStream did not take after every try', []);
}
