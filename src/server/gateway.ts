import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { InProcessEventBus } from '../events/event-bus.js';
import { DesiredStreams } from '../fleet/desired-streams.js';
import { EventProjection } from '../fleet/event-projection.js';
import { StreamLeases } from '../fleet/stream-leases.js';
import { AnalysisRuntime } from '../runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../runtime/settings.js';
import type { DataLock } from '../store/data-lock.js';
import type { MienStores } from '../store/mien-stores.js';
import { AccessRules } from './auth.js';
import type { ServerConfig } from './config.js';
import { EventHub } from './event-hub.js';
import { EventRecorder } from './event-recorder.js';
import { FleetReferenceCopy } from './fleet-reference-copy.js';
import { FleetStreamCatalog } from './fleet-stream-catalog.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { Health, type Readiness } from './health.js';
import { IdentityCatalog } from './identity-catalog.js';
import { ReferenceCatalog } from './reference-catalog.js';
import type { ServerOptions } from './server.js';
import { apiRoutes, checkExposure, listeningUrl, withDataDirectory } from './service-parts.js';
import { StreamPreviews } from './stream-previews.js';
import { buildApp } from './app.js';

interface GatewayParts {
  readonly config: ServerConfig;
  readonly nc: NatsConnection;
  readonly app: FastifyInstance;
  readonly stores: MienStores;
  readonly lock: DataLock;
  readonly ownRuntime: AnalysisRuntime | undefined;
  readonly metrics: GatewayMetrics;
  readonly recorder: EventRecorder;
  readonly hub: EventHub;
  readonly catalog: FleetStreamCatalog;
  readonly projection: EventProjection;
  readonly referenceCopy: FleetReferenceCopy;
}

/**
 * `mien serve --nats URL`: a gateway of a fleet (docs/scale-out.md). The same API, WebSocket,
 * dashboard and metrics as `mien serve`, over a fleet's state rather than streams of its own: the
 * streams are the fleet's desired state (every gateway writes it, `mien worker`s run it), the
 * events come from the fleet's event log through a durable consumer of this gateway's own, stored
 * in its SQLite store (each event once, by its id) before subscribers are sent them.
 */
export class MienGateway {
  private ready = false;
  private natsConnected = true;
  private closed = false;

  private constructor(private readonly parts: GatewayParts) {}

  static async start(config: ServerConfig & { readonly nats: string }, options: ServerOptions = {}): Promise<MienGateway> {
    checkExposure(config);
    const nc = await connect({ servers: config.nats, name: 'mien-gateway' }).catch((error: unknown) => {
      throw new Error(`cannot reach NATS at ${config.nats}: ${(error as Error).message}`);
    });
    let gateway: MienGateway;
    try {
      gateway = await withDataDirectory(config.dataDir, (stores, lock) => MienGateway.assemble(config, options, nc, stores, lock));
    } catch (error) {
      await nc.close();
      throw error;
    }
    try {
      await gateway.parts.app.listen({ port: config.port, host: config.host });
      await gateway.parts.catalog.restore();
    } catch (error) {
      await gateway.close();
      throw error;
    }
    gateway.watchConnection();
    gateway.ready = true;
    return gateway;
  }

  private static async assemble(config: ServerConfig, options: ServerOptions, nc: NatsConnection, stores: MienStores, lock: DataLock): Promise<MienGateway> {
    const log = options.log ?? console.error;
    const metrics = new GatewayMetrics();
    const ownRuntime = options.runtime ? undefined : await AnalysisRuntime.open(options.settings ?? DEFAULT_SETTINGS, { log: options.log });
    try {
      const runtime = options.runtime ?? ownRuntime!;
      const bus = new InProcessEventBus();
      const recorder = new EventRecorder(bus, stores);
      const hub = new EventHub(recorder.stored, { bufferSize: config.subscriberBuffer, onDropped: (n) => metrics.served.droppedMessages.inc(n) });
      // Pictures become references here; the fleet's faces are analysed on its workers.
      const analysis = runtime.analysis(() => []);
      let references: ReferenceCatalog | undefined;
      const referenceCopy = await FleetReferenceCopy.start(nc, stores.references, () => references?.refresh(), log);
      references = new ReferenceCatalog(stores.references, analysis, { maxUploadBytes: config.maxUploadBytes, keeper: referenceCopy, log });
      const people = new IdentityCatalog(stores.identities, references, analysis.rests, config.dataDir, () => recorder.flush());
      const [desired, leases] = await Promise.all([DesiredStreams.open(nc), StreamLeases.open(nc)]);
      const catalog = new FleetStreamCatalog(desired, leases, { mediaRoot: config.mediaRoot, declared: config.streams, log });
      let gateway: MienGateway | undefined;
      const health = new Health(
        metrics,
        () => gateway?.readiness() ?? 'starting',
        async () => {
          metrics.served.read(hub, stores.identities);
          await gateway?.measureFleet();
        },
      );
      // Nothing of a frame reaches a gateway: its previews stay empty, and say so.
      const previews = new StreamPreviews((identity) => stores.identities.get(identity)?.name);
      const app = buildApp({ access: new AccessRules(config), router: apiRoutes({ health, catalog, previews, references, people, recorder }), whip: undefined, hub, served: metrics.served });
      // Acknowledged once stored: what a crash loses comes again, and is stored once.
      const projection = await EventProjection.start(nc, { take: (event) => bus.publish(event), keep: () => recorder.flush() }, { durable: consumerName(config.dataDir), log });
      gateway = new MienGateway({ config, nc, app, stores, lock, ownRuntime, metrics, recorder, hub, catalog, projection, referenceCopy });
      return gateway;
    } catch (error) {
      await ownRuntime?.close();
      throw error;
    }
  }

  get config(): ServerConfig {
    return this.parts.config;
  }

  get metrics(): GatewayMetrics {
    return this.parts.metrics;
  }

  /** Every event once this gateway stored it: what its WebSocket subscribers are sent. */
  get stored(): EventRecorder['stored'] {
    return this.parts.recorder.stored;
  }

  /** http://host:port the gateway listens on. */
  get url(): string {
    return listeningUrl(this.parts.app, this.parts.config.host);
  }

  private readiness(): Readiness {
    if (!this.ready) return 'starting';
    return this.natsConnected ? 'ok' : 'cut-off';
  }

  /** The fleet's gauges, read from NATS at a scrape; left as they were when NATS does not answer. */
  private async measureFleet(): Promise<void> {
    const { metrics, catalog, projection } = this.parts;
    const [streams, pending] = await Promise.allSettled([catalog.list(), projection.lag()]);
    if (streams.status === 'fulfilled') {
      metrics.fleetStreams.set(streams.value.length);
      metrics.unassignedStreams.set(streams.value.filter((stream) => stream.worker === null).length);
    }
    if (pending.status === 'fulfilled') metrics.eventsPending.set(pending.value);
  }

  private watchConnection(): void {
    const { nc, metrics } = this.parts;
    metrics.natsConnected.set(1);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'close') this.natsConnected = false;
        if (status.type === 'reconnect') this.natsConnected = true;
        metrics.natsConnected.set(this.natsConnected ? 1 : 0);
      }
    })();
  }

  /** Stores and acknowledges what it took, closes sockets, the database and the connection; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    const { projection, referenceCopy, hub, app, recorder, stores, lock, nc, ownRuntime } = this.parts;
    referenceCopy.stop();
    await projection.stop().catch((error: unknown) => console.error(`mien gateway: the event log not let go cleanly: ${(error as Error).message}`));
    hub.close();
    await app.close();
    recorder.close();
    stores.close();
    lock.release();
    await nc.drain().catch(() => undefined);
    await ownRuntime?.close();
  }
}

/**
 * The name of this data directory's durable consumer: made once, kept in the directory, so a
 * gateway restarted on its store goes on where the store stopped, and a new store reads the log
 * from its start.
 */
function consumerName(dataDir: string): string {
  const path = join(dataDir, 'fleet-consumer');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const name = `mien-gateway-${randomBytes(6).toString('hex')}`;
  writeFileSync(path, `${name}\n`);
  return name;
}
