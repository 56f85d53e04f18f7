import type { FastifyInstance } from 'fastify';
import { InProcessEventBus, type EventBus } from '../events/event-bus.js';
import type { MienEvent } from '../events/events.js';
import { readImageFile } from '../ingest/image-file.js';
import { MOBILEFACENET } from '../models/identity.js';
import { logBatchFailures } from '../operators/analysis-pipeline.js';
import type { FrameAnalysis } from '../operators/frame-analysis.js';
import { AnalysisRuntime } from '../runtime/analysis-runtime.js';
import type { LiveAnalysis } from '../runtime/live-analysis.js';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../runtime/settings.js';
import type { StreamManager } from '../runtime/stream-manager.js';
import { MienStores } from '../store/mien-stores.js';
import { AccessRules, isLoopback } from './auth.js';
import type { DataLock } from '../store/data-lock.js';
import { apiRoutes, checkExposure, listeningUrl, withDataDirectory } from './service-parts.js';
import type { ServerConfig } from './config.js';
import { EventHub } from './event-hub.js';
import { EventRecorder } from './event-recorder.js';
import { Health, type Readiness } from './health.js';
import { IdentityCatalog } from './identity-catalog.js';
import { MienMetrics } from './metrics.js';
import { ReferenceCatalog } from './reference-catalog.js';
import { StreamCatalog } from './stream-catalog.js';
import { StreamPreviews } from './stream-previews.js';
import { WhipStreams } from './whip-streams.js';
import { buildApp } from './app.js';

export interface ServerOptions {
  /** A runtime to share (tests, benches); otherwise the server opens its own from `settings`, and closes it. */
  readonly runtime?: AnalysisRuntime;
  /** What to open the runtime with. Default: DEFAULT_SETTINGS. */
  readonly settings?: RuntimeSettings;
  readonly log?: (line: string) => void;
}

/** The server's parts, one module per resource; the server routes requests to them and closes them in order. */
interface ServerParts {
  readonly config: ServerConfig;
  readonly app: FastifyInstance;
  readonly stores: MienStores;
  readonly lock: DataLock;
  /** Set when the server opened the runtime itself, and so closes it. */
  readonly ownRuntime: AnalysisRuntime | undefined;
  readonly bus: EventBus;
  readonly metrics: MienMetrics;
  readonly live: LiveAnalysis;
  readonly access: AccessRules;
  readonly catalog: StreamCatalog;
  readonly references: ReferenceCatalog;
  readonly people: IdentityCatalog;
  readonly previews: StreamPreviews;
  readonly recorder: EventRecorder;
  readonly hub: EventHub;
  readonly health: Health;
  readonly whip: WhipStreams;
}

/**
 * `mien serve`: the HTTP and WebSocket shell over a live analysis. Streams in, events out over
 * WebSocket and REST, everything kept in SQLite, metrics for Prometheus. One instance, started by
 * `start` and stopped by `close`.
 */
export class MienServer {
  private readonly timers: NodeJS.Timeout[] = [];
  private ready = false;
  private closed = false;

  private constructor(private readonly parts: ServerParts) {}

  static async start(config: ServerConfig, options: ServerOptions = {}): Promise<MienServer> {
    checkExposure(config);
    const server = await withDataDirectory(config.dataDir, (stores, lock) => MienServer.assemble(config, options, stores, lock));
    try {
      await server.parts.app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await server.close();
      throw error;
    }
    server.parts.catalog.restore();
    server.ready = true;
    return server;
  }

  /** The server's parts, wired; not yet listening. */
  private static async assemble(config: ServerConfig, options: ServerOptions, stores: MienStores, lock: DataLock): Promise<MienServer> {
    const log = options.log ?? console.error;
    const metrics = new MienMetrics();
    const ownRuntime = options.runtime ? undefined : await AnalysisRuntime.open(options.settings ?? DEFAULT_SETTINGS, { onInference: (run) => metrics.observeInference(run), log: options.log });
    const runtime = options.runtime ?? ownRuntime!;
    const bus = new InProcessEventBus();
    const { identities, identityFaces } = stores;
    // Set once every part exists: the hooks below run only once streams play.
    let server: MienServer | undefined;
    let references: ReferenceCatalog | undefined;
    const logFailure = logBatchFailures();
    const live = runtime.live(bus, {
      fps: config.analysisFps,
      references: () => references?.matched ?? [],
      // People seen before the restart are found again by their kept faces, under their ids.
      identity: { firstIdentity: identities.highestId() + 1, known: identityFaces.list(MOBILEFACENET.kind), store: identityFaces.galleryOf(MOBILEFACENET.kind) },
      expressionRate: config.expressionRate,
      hooks: metrics.liveHooks(config.analysisFps, {
        onAnalysed: (record, events) => server?.analysed(record, events),
        onBatchFailed: logFailure,
        // Known at once: a kept file that played to its end is not played again after a restart.
        onEnded: (stream) => server?.parts.catalog.ended(stream),
        onFreed: (stream) => server?.streamFreed(stream),
        onStopped: (error) => console.error('mien: analysis stopped:', error),
      }),
    });
    // Subscribers are sent what is stored: an event a client received survives a crash.
    const recorder = new EventRecorder(bus, stores, (event) => metrics.observeEvent(event));
    const hub = new EventHub(recorder.stored, { bufferSize: config.subscriberBuffer, onDropped: (n) => metrics.served.droppedMessages.inc(n) });
    const whip = WhipStreams.mount(
      live.streams,
      {
        maxFps: config.analysisFps,
        // A browser on this machine publishes over loopback only when it is offered as a candidate.
        iceAdditionalHostAddresses: isLoopback(config.host) ? ['127.0.0.1'] : [],
      },
      () => server!.url,
    );
    references = new ReferenceCatalog(stores.references, live.analysis, { maxUploadBytes: config.maxUploadBytes, log });
    const health = new Health(
      metrics,
      () => server?.readiness() ?? 'starting',
      () => {
        metrics.served.read(hub, identities);
      },
    );
    const access = new AccessRules(config);
    const catalog = new StreamCatalog(live.streams, whip, stores.streams, { mediaRoot: config.mediaRoot, declared: config.streams, log });
    const people = new IdentityCatalog(identities, references, live.analysis.rests, config.dataDir, () => recorder.flush());
    const previews = new StreamPreviews((identity) => identities.get(identity)?.name);
    const router = apiRoutes({ health, catalog, previews, references, people, recorder });
    server = new MienServer({
      config,
      app: buildApp({ access, router, whip, hub, served: metrics.served }),
      stores,
      lock,
      ownRuntime,
      bus,
      metrics,
      live,
      access,
      catalog,
      references,
      people,
      previews,
      recorder,
      hub,
      health,
      whip,
    });
    server.wire();
    return server;
  }

  get config(): ServerConfig {
    return this.parts.config;
  }

  /** Every event the analysis publishes, before it is stored. */
  get bus(): EventBus {
    return this.parts.bus;
  }

  get metrics(): MienMetrics {
    return this.parts.metrics;
  }

  get streams(): StreamManager {
    return this.parts.live.streams;
  }

  get whip(): WhipStreams {
    return this.parts.whip;
  }

  /** http://host:port the server listens on. */
  get url(): string {
    return listeningUrl(this.parts.app, this.parts.config.host);
  }

  private readiness(): Readiness {
    return this.parts.live.stopped ? 'stopped' : this.ready ? 'ok' : 'starting';
  }

  private wire(): void {
    const { recorder, config } = this.parts;
    this.timers.push(setInterval(() => recorder.prune(config.retentionDays), 3600_000));
    for (const t of this.timers) t.unref();
  }

  /** After each analysed frame: its stream's preview, and thumbnails of people without one. */
  private analysed(record: FrameAnalysis, events: readonly MienEvent[]): void {
    const { previews, people } = this.parts;
    previews.seen(record, events);
    people.seen(record);
  }

  /** A stream stopped for good, its last events published. */
  private streamFreed(stream: string): void {
    const { metrics, live } = this.parts;
    // A removed stream's series go; an ended or failed one is still listed, with its counts.
    if (!live.streams.get(stream)) metrics.forgetStream(stream);
    metrics.streams.set(live.streams.size);
  }

  /** How many streams the analysis holds state for, per kind of state: all 0 with no stream running (leak checks). */
  analysisStreamState(): ReturnType<LiveAnalysis['streamState']> {
    return this.parts.live.streamState();
  }

  /**
   * The built-in demo: `picture` shown as a live camera, and, when there is no custom expression
   * yet, the face in it as one tagged "smile", so a new user sees people and tags at once.
   */
  async addDemo(picture: string): Promise<void> {
    const { references, live } = this.parts;
    if (references.matched.length === 0) await references.enrol(await readImageFile(picture), ['smile'], undefined, picture);
    if (!live.streams.get('demo')) live.streams.add({ kind: 'still', path: picture, id: 'demo' }, 'demo');
  }

  /** Stops streams, closes sockets and the database; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    const { whip, live, hub, app, recorder, stores, lock, ownRuntime } = this.parts;
    for (const t of this.timers) clearInterval(t);
    await whip.close();
    // Every open tag ends, with its reason, before subscribers and the store are let go.
    await live.close('the server stopped');
    hub.close();
    // Connections kept alive by steady requests (a dashboard polls every second) never go idle, so
    // close() would wait on them for good: end them all once it stopped taking new ones.
    await app.close();
    recorder.close();
    stores.close();
    lock.release();
    await ownRuntime?.close();
  }
}
