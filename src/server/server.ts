import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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
import { lockDataDirectory, type DataLock } from '../store/data-lock.js';
import { IdentityStoreError, ReferenceStoreError } from '../store/errors.js';
import { MienStores } from '../store/mien-stores.js';
import { AccessRules, isLoopback, PREFLIGHT_HEADERS } from './auth.js';
import type { ServerConfig } from './config.js';
import { EventHub } from './event-hub.js';
import { EventRecorder } from './event-recorder.js';
import { Health, type Readiness } from './health.js';
import { answerMalformedHttp, json, Router, send, type Reply } from './http.js';
import { IdentityCatalog } from './identity-catalog.js';
import { MienMetrics } from './metrics.js';
import { OPENAPI } from './openapi.js';
import { ReferenceCatalog } from './reference-catalog.js';
import { addDashboardRoutes } from './static-files.js';
import { StreamCatalog } from './stream-catalog.js';
import { StreamPreviews } from './stream-previews.js';
import { WhipStreams } from './whip-streams.js';
import { ConfigError, HttpError } from './errors.js';
import { StreamError } from '../runtime/errors.js';

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
  readonly http: Server;
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
  private readonly router = new Router();
  private readonly timers: NodeJS.Timeout[] = [];
  private ready = false;
  private closed = false;

  private constructor(private readonly parts: ServerParts) {}

  static async start(config: ServerConfig, options: ServerOptions = {}): Promise<MienServer> {
    if (!config.token && !isLoopback(config.host)) {
      throw new ConfigError(`refusing to listen on ${config.host} without a token: set MIEN_TOKEN (or "token" in the config file), or bind to 127.0.0.1`);
    }
    mkdirSync(join(config.dataDir, 'thumbnails'), { recursive: true });
    const lock = lockDataDirectory(config.dataDir);
    const stores = MienStores.inDataDir(config.dataDir);
    let server: MienServer;
    try {
      server = await MienServer.assemble(config, options, stores, lock);
    } catch (error) {
      stores.close();
      lock.release();
      throw error;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        server.parts.http.once('error', reject);
        server.parts.http.listen(config.port, config.host, () => resolve());
      });
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
      hooks: {
        onFrame: (frame, skippedSince) => {
          metrics.framesReceived.inc({ stream: frame.stream });
          if (skippedSince > 0) metrics.framesSkipped.inc({ stream: frame.stream }, skippedSince);
        },
        onStarted: (stream) => {
          metrics.startStream(stream, config.analysisFps);
          metrics.streams.inc();
        },
        onAnalysed: (record, events) => server?.analysed(record, events),
        onDropped: (frame) => metrics.framesDropped.inc({ stream: frame.stream }),
        onBatchFailed: (error, frames) => {
          for (const frame of frames) metrics.batchesFailed.inc({ stream: frame.stream });
          logFailure(error, frames);
        },
        // Known at once: a kept file that played to its end is not played again after a restart.
        onEnded: (stream) => server?.parts.catalog.ended(stream),
        onFreed: (stream) => server?.streamFreed(stream),
        onStopped: (error) => {
          metrics.analysisRunning.set(0);
          console.error('mien: analysis stopped:', error);
        },
      },
    });
    // Subscribers are sent what is stored: an event a client received survives a crash.
    const recorder = new EventRecorder(bus, stores, metrics);
    const hub = new EventHub(recorder.stored, { bufferSize: config.subscriberBuffer, onDropped: (n) => metrics.droppedMessages.inc(n) });
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
        metrics.subscribers.set(hub.size);
        metrics.queuedMessages.set(hub.mostQueued);
        metrics.identities.set(identities.count());
      },
    );
    server = new MienServer({
      config,
      http: createServer(),
      stores,
      lock,
      ownRuntime,
      bus,
      metrics,
      live,
      access: new AccessRules(config),
      catalog: new StreamCatalog(live.streams, whip, stores.streams, { mediaRoot: config.mediaRoot, declared: config.streams, log }),
      references,
      people: new IdentityCatalog(identities, references, live.analysis.rests, config.dataDir, () => recorder.flush()),
      previews: new StreamPreviews((identity) => identities.get(identity)?.name),
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
    const { port } = this.parts.http.address() as AddressInfo;
    const { host } = this.parts.config;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  private readiness(): Readiness {
    return this.parts.live.stopped ? 'stopped' : this.ready ? 'ok' : 'starting';
  }

  private wire(): void {
    const { http, access, hub, whip, metrics, recorder, config } = this.parts;
    this.timers.push(setInterval(() => recorder.prune(config.retentionDays), 3600_000));
    for (const t of this.timers) t.unref();
    this.routes();
    http.on('request', (req, res) => {
      if (/^\/whip(\/|$)/.test(new URL(req.url ?? '/', 'http://localhost').pathname)) {
        const refusal = access.whipRefusal(req);
        if (refusal === undefined) void whip.handle(req, res);
        else send(res, errorReply(refusal));
        return;
      }
      // A page of an allowed origin may read every answer, refusals included.
      const crossOrigin = access.crossOriginHeaders(req);
      this.handle(req).then(
        (reply) => send(res, { ...reply, headers: { ...reply.headers, ...crossOrigin } }),
        (error: unknown) => send(res, { ...errorReply(error), headers: crossOrigin }),
      );
    });
    http.on('clientError', answerMalformedHttp);
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/events') return socket.destroy();
      const refusal = access.socketRefusal(req, url);
      if (refusal !== undefined) {
        socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\n\r\n${refusal.message}\n`);
        return;
      }
      hub.upgrade(req, socket, head);
      metrics.subscribers.set(hub.size + 1);
    });
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hostRefusal = this.parts.access.hostRefusal(req);
    if (hostRefusal !== undefined) throw hostRefusal;
    if (req.method === 'OPTIONS') return this.preflight(req, url.pathname);
    const { route, params } = this.router.match(req.method ?? 'GET', url.pathname);
    const refusal = this.parts.access.routeRefusal(req, url.pathname, route.guarded);
    if (refusal !== undefined) throw refusal;
    return route.handler({ req, params, query: url.searchParams });
  }

  /** A CORS preflight: answered for an allowed origin and a request the router would take. */
  private preflight(req: IncomingMessage, pathname: string): Reply {
    const refusal = this.parts.access.preflightRefusal(req);
    if (refusal !== undefined) throw refusal;
    const method = req.headers['access-control-request-method'];
    this.router.match(typeof method === 'string' ? method : 'GET', pathname);
    return { status: 204, headers: PREFLIGHT_HEADERS };
  }

  private routes(): void {
    const { health, catalog, previews, references, people, recorder } = this.parts;
    health.routes(this.router);
    this.router.add('GET', '/api/openapi.json', () => json(200, OPENAPI));
    catalog.routes(this.router, (id) => previews.forget(id));
    previews.routes(this.router);
    references.routes(this.router);
    people.routes(this.router);
    recorder.routes(this.router);
    // Last: the dashboard's routes take whatever single-segment path the API does not.
    addDashboardRoutes(this.router);
  }

  /** After each analysed frame: its counts, its stream's preview, and thumbnails of people without one. */
  private analysed(record: FrameAnalysis, events: readonly MienEvent[]): void {
    const { metrics, previews, people } = this.parts;
    metrics.framesAnalysed.inc({ stream: record.frame.stream });
    metrics.frameToEvent.observe(Math.max(0, Date.now() - record.receivedAt) / 1000);
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
    const { whip, live, hub, http, recorder, stores, lock, ownRuntime } = this.parts;
    for (const t of this.timers) clearInterval(t);
    await whip.close();
    // Every open tag ends, with its reason, before subscribers and the store are let go.
    await live.close('the server stopped');
    hub.close();
    // Connections kept alive by steady requests (a dashboard polls every second) never go idle, so
    // close() would wait on them for good: end them all once it stopped taking new ones.
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeAllConnections();
    await stopped;
    recorder.close();
    stores.close();
    lock.release();
    await ownRuntime?.close();
  }
}

const STREAM_PROBLEM_STATUS = { unknown: 404, taken: 409, invalid: 400 } as const;

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return json(error.status, { error: error.message });
  if (error instanceof StreamError) return json(STREAM_PROBLEM_STATUS[error.problem], { error: error.message });
  if (error instanceof IdentityStoreError || error instanceof ReferenceStoreError) return json(400, { error: error.message });
  console.error('mien: request failed:', error);
  return json(500, { error: 'internal error' });
}
