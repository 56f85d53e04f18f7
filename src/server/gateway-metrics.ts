import { Gauge } from 'prom-client';
import { MienMetrics } from './metrics.js';

/**
 * A fleet gateway's metrics: `mien serve`'s, its analysis series counted from the fleet's events
 * (every worker's streams), and what tells a fleet in trouble: streams no worker holds, events of
 * the log not yet stored here, NATS out of reach.
 */
export class GatewayMetrics extends MienMetrics {
  readonly natsConnected = new Gauge({ name: 'mien_gateway_nats_connected', help: '1 while the gateway is connected to NATS', registers: [this.registry] });
  readonly unassignedStreams = new Gauge({ name: 'mien_fleet_unassigned_streams', help: 'Streams the fleet should run that no worker holds', registers: [this.registry] });
  readonly eventsPending = new Gauge({ name: 'mien_gateway_events_pending', help: "Events of the fleet's log not yet stored by this gateway", registers: [this.registry] });
}
