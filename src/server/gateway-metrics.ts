import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { ServedMetrics } from './metrics.js';

/**
 * A fleet gateway's metrics: what it serves (as `mien serve`), and what tells a fleet in trouble:
 * streams no worker holds, events of the log not yet stored here, NATS out of reach. The analysis's
 * series are each worker's own (`mien worker --status-port`); a gateway analyses nothing.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly served = new ServedMetrics(this.registry);
  readonly natsConnected = this.gauge('mien_gateway_nats_connected', '1 while the gateway is connected to NATS');
  readonly fleetStreams = this.gauge('mien_fleet_streams', 'Streams the fleet should run');
  readonly unassignedStreams = this.gauge('mien_fleet_unassigned_streams', 'Streams the fleet should run that no worker holds');
  readonly eventsPending = this.gauge('mien_gateway_events_pending', "Events of the fleet's log not yet stored by this gateway");

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mien_' });
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }
}
