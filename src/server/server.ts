import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { InProcessEventBus, type EventBus } from '../events/event-bus.js';
import { EVENT_KINDS, type FaceEvent, type MienEvent } from '../events/events.js';
import type { Frame } from '../ingest/frame.js';
import { readImageFile } from '../ingest/image-file.js';
import { logBatchFailures, type ExpressionAnalysis } from '../operators/analysis-pipeline.js';
import { AnalysisRuntime } from '../runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../runtime/settings.js';
import type { FrameAnalysis } from '../operators/frame-analysis.js';
import { renderOverlay } from '../render/overlay.js';
import { databasePath, type SqliteDatabase } from '../store/database.js';
import { MOBILEFACENET } from '../models/identity.js';
import { IdentityStoreError, ReferenceStoreError } from '../store/errors.js';
import { EventStore } from '../store/event-store.js';
import { IdentityFaceStore } from '../store/identity-face-store.js';
import { IdentityStore } from '../store/identity-store.js';
import { lockDataDirectory, type DataLock } from '../store/data-lock.js';
import { openMienDatabase } from '../store/mien-database.js';
import { ReferenceStore } from '../store/reference-store.js';
import { StreamStore } from '../store/stream-store.js';
import { crossSiteRefusal, hasBearerToken, hasSocketToken, hostRefusal, isLoopback } from './auth.js';
import { ConfigError, type ServerConfig } from './config.js';
import { EventHub } from './event-hub.js';
import { EventRecorder } from './event-recorder.js';
import { IdentityCatalog } from './identity-catalog.js';
import { answerMalformedHttp, HttpError, json, Router, send, type Reply } from './http.js';
import { MienMetrics } from './metrics.js';
import { OPENAPI } from './openapi.js';
import { ReferenceCatalog } from './reference-catalog.js';
import { addDashboardRoutes } from './static-files.js';
import { StreamCatalog } from './stream-catalog.js';
import { StreamError, StreamManager } from './stream-manager.js';
import { WhipStreams } from './whip-streams.js';

export interface ServerOptions {
  /** A runtime to share (tests, benches); otherwise the server opens its own from `settings`, and closes it. */
  readonly runtime?: AnalysisRuntime;
  /** What to open the runtime with. Default: DEFAULT_SETTINGS. */
  readonly settings?: RuntimeSettings;
  readonly log?: (line: string) => void;
}

/** The latest analysed frame of a stream, for its preview. */
interface Preview {
  readonly frame: Frame;
  readonly faces: { box: readonly [number, number, number, number]; identity?: number; accepted: boolean; tags: string[] }[];
}

/**
 * `mien serve`: streams in, analysis, events out over WebSocket and REST, everything kept in
 * SQLite, metrics for Prometheus. One instance, started by `start` and stopped by `close`.
 */
export class MienServer {
  private readonly router = new Router();
  private readonly previews = new Map<string, Preview>();
  /** Streams being ended in the analysis: their tag-end events are on the way. */
  private readonly ending = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private subscription: Subscription | undefined;
  private ready = false;
  /** The analysis ended on a failure no batch could absorb: nothing is analysed any more. */
  private analysisStopped = false;
  private closed = false;

  private constructor(
    readonly config: ServerConfig,
    private readonly http: Server,
    private readonly db: SqliteDatabase,
    private readonly lock: DataLock,
    private readonly runtime: AnalysisRuntime,
    private readonly ownsRuntime: boolean,
    readonly bus: EventBus,
    readonly metrics: MienMetrics,
    private readonly references: ReferenceCatalog,
    private readonly people: IdentityCatalog,
    private readonly events: EventStore,
    private readonly identities: IdentityStore,
    readonly streams: StreamManager,
    private readonly catalog: StreamCatalog,
    private readonly recorder: EventRecorder,
    private readonly hub: EventHub,
    private readonly analysis: ExpressionAnalysis,
    readonly whip: WhipStreams,
  ) {}

  static async start(config: ServerConfig, options: ServerOptions = {}): Promise<MienServer> {
    if (!config.token && !isLoopback(config.host)) {
      throw new ConfigError(`refusing to listen on ${config.host} without a token: set MIEN_TOKEN (or "token" in the config file), or bind to 127.0.0.1`);
    }
    mkdirSync(join(config.dataDir, 'thumbnails'), { recursive: true });
    const lock = lockDataDirectory(config.dataDir);
    const db = openMienDatabase(databasePath(config.dataDir));
    const metrics = new MienMetrics();
    let server: MienServer | undefined;
    try {
      server = await MienServer.assemble(config, options, db, lock, metrics);
    } catch (error) {
      db.close();
      lock.release();
      throw error;
    }
    try {
      await new Promise<void>((resolve, reject) => {
        server.http.once('error', reject);
        server.http.listen(config.port, config.host, () => resolve());
      });
    } catch (error) {
      await server.close();
      throw error;
    }
    server.catalog.restore();
    server.ready = true;
    return server;
  }

  /** The server's parts, wired; not yet listening. */
  private static async assemble(config: ServerConfig, options: ServerOptions, db: SqliteDatabase, lock: DataLock, metrics: MienMetrics): Promise<MienServer> {
    const runtime = options.runtime ?? (await AnalysisRuntime.open(options.settings ?? DEFAULT_SETTINGS, { onInference: (run) => metrics.observeInference(run), log: options.log }));
    const bus = new InProcessEventBus();
    const identities = new IdentityStore(db);
    const faces = new IdentityFaceStore(db);
    let server: MienServer | undefined;
    const logFailure = logBatchFailures();
    let references: ReferenceCatalog | undefined;
    const analysis = runtime.analysis(() => references?.matched ?? [], {
      onAnalysed: (record, events) => server?.analysed(record, events),
      onBatchFailed: (error, frames) => {
        for (const frame of frames) metrics.batchesFailed.inc({ stream: frame.stream });
        logFailure(error, frames);
      },
      // People seen before the restart are found again by their kept faces, under their ids.
      identity: { firstIdentity: identities.highestId() + 1, known: faces.list(MOBILEFACENET.kind), store: faces.galleryOf(MOBILEFACENET.kind) },
      expressionRate: config.expressionRate,
    });
    const streams = new StreamManager(bus, config.analysisFps, {
      onFrame: (frame, skippedSince) => {
        metrics.framesReceived.inc({ stream: frame.stream });
        if (skippedSince > 0) metrics.framesSkipped.inc({ stream: frame.stream }, skippedSince);
      },
      onStarted: (stream) => {
        analysis.startStream(stream);
        metrics.startStream(stream, config.analysisFps);
        metrics.streams.inc();
      },
      // Its open tags end with it, and the analysis forgets it.
      onEnded: (stream, reason) => server?.endStream(stream, reason),
    });
    const events = new EventStore(db);
    // Subscribers are sent what is stored: an event a client received survives a crash.
    const recorder = new EventRecorder(bus, events, identities, metrics);
    const hub = new EventHub(recorder.stored, { bufferSize: config.subscriberBuffer, onDropped: (n) => metrics.droppedMessages.inc(n) });
    const whip = WhipStreams.mount(
      streams,
      {
        maxFps: config.analysisFps,
        // A browser on this machine publishes over loopback only when it is offered as a candidate.
        iceAdditionalHostAddresses: isLoopback(config.host) ? ['127.0.0.1'] : [],
      },
      () => server!.url,
    );
    references = new ReferenceCatalog(new ReferenceStore(db), analysis, { maxUploadBytes: config.maxUploadBytes, log: options.log ?? console.error });
    const http = createServer();
    server = new MienServer(config, http, db, lock, runtime, !options.runtime, bus, metrics, references, new IdentityCatalog(identities, references, analysis.rests, config.dataDir), events, identities, streams, new StreamCatalog(streams, whip, new StreamStore(db), { mediaRoot: config.mediaRoot, declared: config.streams, log: options.log ?? console.error }), recorder, hub, analysis, whip);
    server.wire();
    return server;
  }

  /** http://host:port the server listens on. */
  get url(): string {
    const { port } = this.http.address() as AddressInfo;
    return `http://${this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host}:${port}`;
  }

  private wire(): void {
    this.subscription = this.streams.allFrames
      .pipe(this.analysis.liveEvents((frame) => (this.metrics.framesDropped.inc({ stream: frame.stream }), this.streams.countDropped(frame.stream))))
      .subscribe({
        next: (event) => this.bus.publish(event),
        error: (error: unknown) => {
          this.analysisStopped = true;
          this.metrics.analysisRunning.set(0);
          console.error('mien: analysis stopped:', error);
        },
      });
    this.timers.push(setInterval(() => this.recorder.prune(this.config.retentionDays), 3600_000));
    for (const t of this.timers) t.unref();
    this.routes();
    this.http.on('request', (req, res) => {
      if (/^\/whip(\/|$)/.test(new URL(req.url ?? '/', 'http://localhost').pathname)) {
        const refusal = this.whipRefusal(req);
        if (refusal === undefined) void this.whip.handle(req, res);
        else send(res, errorReply(refusal));
        return;
      }
      this.handle(req).then(
        (reply) => send(res, reply),
        (error: unknown) => send(res, errorReply(error)),
      );
    });
    this.http.on('clientError', answerMalformedHttp);
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/events') return socket.destroy();
      // A WebSocket is not bound by the same-origin policy: any page could read the events.
      const refusal = hostRefusal(req, this.config.token) ?? crossSiteRefusal(req, this.config.allowedOrigins);
      if (refusal !== undefined) {
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n${refusal}\n`);
        return;
      }
      if (!hasSocketToken(req, this.config.token, url)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\nthe WebSocket needs the bearer token (?token=...)\n');
        return;
      }
      this.hub.upgrade(req, socket, head);
      this.metrics.subscribers.set(this.hub.size + 1);
    });
  }

  /**
   * Why a request whose Host passed must be refused, by the rules every route here shares (WHIP
   * too): a change from a browser needs the same origin (or an allowed one); the bearer token
   * where one is needed (`what` names the request in the sentence).
   */
  private refusal(req: IncomingMessage, changes: boolean, needsToken: boolean, what = 'this'): HttpError | undefined {
    const crossSite = changes ? crossSiteRefusal(req, this.config.allowedOrigins) : undefined;
    if (crossSite !== undefined) return new HttpError(403, crossSite);
    if (needsToken && !hasBearerToken(req, this.config.token)) return new HttpError(401, `${what} needs the bearer token (Authorization: Bearer ...)`);
    return undefined;
  }

  private whipRefusal(req: IncomingMessage): HttpError | undefined {
    const host = hostRefusal(req, this.config.token);
    if (host !== undefined) return new HttpError(403, host);
    // A CORS preflight carries no credentials and changes nothing: it is let through.
    return req.method === 'OPTIONS' ? undefined : this.refusal(req, true, true, 'publishing');
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Before the path is looked at: a page of another site learns nothing of which routes exist.
    const hostProblem = hostRefusal(req, this.config.token);
    if (hostProblem !== undefined) throw new HttpError(403, hostProblem);
    const { route, params } = this.router.match(req.method ?? 'GET', url.pathname);
    // Reads of /api hold faces and who was seen when: they need the token as changes do.
    const needsToken = route.guarded || (url.pathname.startsWith('/api/') && !this.config.openReads);
    const refusal = this.refusal(req, route.guarded, needsToken);
    if (refusal !== undefined) throw refusal;
    return route.handler({ req, params, query: url.searchParams });
  }

  private routes(): void {
    const r = this.router;
    r.add('GET', '/healthz', () => json(200, { status: 'ok' }));
    r.add('GET', '/readyz', () => {
      const status = this.analysisStopped ? 'stopped' : this.ready ? 'ok' : 'starting';
      return json(status === 'ok' ? 200 : 503, { status });
    });
    r.add('GET', '/metrics', async () => {
      this.metrics.subscribers.set(this.hub.size);
      this.metrics.queuedMessages.set(this.hub.mostQueued);
      this.metrics.identities.set(this.identities.list().length);
      return { status: 200, body: await this.metrics.registry.metrics(), type: this.metrics.registry.contentType };
    });
    r.add('GET', '/api/openapi.json', () => json(200, OPENAPI));

    this.catalog.routes(r, (id) => this.previews.delete(id));
    r.add('GET', '/api/streams/:id/preview.jpg', async ({ params }) => {
      const preview = this.previews.get(params.id);
      if (!preview) throw new HttpError(404, `no analysed frame of "${params.id}" yet`);
      const faces = preview.faces.map((f) => ({
        box: f.box,
        points: [],
        accepted: f.accepted,
        caption: [f.identity === undefined ? '?' : (this.identities.get(f.identity)?.name ?? `#${f.identity}`), ...f.tags].join(' · '),
      }));
      return { status: 200, body: await renderOverlay(preview.frame, faces, 'jpeg'), type: 'image/jpeg' };
    });

    this.references.routes(r);

    this.people.routes(r);

    r.add('GET', '/api/events', ({ query }) => {
      this.recorder.flush();
      return json(200, this.events.query(eventQuery(query)));
    });

    // Last: the dashboard's routes take whatever single-segment path the API does not.
    addDashboardRoutes(r);
  }

  /** After each analysed frame: counts, the stream's preview, and thumbnails of people without one. */
  private analysed(record: FrameAnalysis, events: readonly MienEvent[]): void {
    const { stream } = record.frame;
    const faceEvents = events.filter((e): e is FaceEvent => e.kind === 'face');
    this.metrics.framesAnalysed.inc({ stream });
    this.metrics.frameToEvent.observe(Math.max(0, Date.now() - record.receivedAt) / 1000);
    this.streams.countAnalysed(stream);
    this.previews.set(stream, {
      frame: record.frame,
      // The frame's face events come in the order of its faces and carry the tags that held.
      faces: record.faces.map((f, i) => ({ box: f.face.detection.box, identity: f.identity, accepted: f.face.quality.accepted, tags: faceEvents[i]?.tags ?? [] })),
    });
    this.people.seen(record);
  }

  /** How many streams the analysis holds state for, per kind of state: all 0 with no stream running (leak checks). */
  async analysisStreamState(): Promise<ReturnType<ExpressionAnalysis['streamState']>> {
    await Promise.all([...this.ending]);
    return this.analysis.streamState();
  }

  /** Ends a stream in the analysis: its open tags end (published), its state is freed. Awaited at close. */
  private endStream(stream: string, reason: string): void {
    this.catalog.ended(stream);
    const ending = this.analysis.endStream(stream, reason).then((events) => {
      for (const event of events) this.bus.publish(event);
      // A removed stream's series go after its last events; an ended or failed one is still listed, with its counts.
      if (!this.streams.get(stream)) this.metrics.forgetStream(stream);
      this.metrics.streams.set(this.streams.list().length);
    });
    this.ending.add(ending);
    void ending.finally(() => this.ending.delete(ending));
  }

  /**
   * The built-in demo: `picture` shown as a live camera, and, when there is no custom expression
   * yet, the face in it as one tagged "smile", so a new user sees people and tags at once.
   */
  async addDemo(picture: string): Promise<void> {
    if (this.references.matched.length === 0) await this.references.enrol(await readImageFile(picture), ['smile'], undefined, picture);
    if (!this.streams.get('demo')) this.streams.add({ kind: 'still', path: picture, id: 'demo' }, 'demo');
  }

  /** Stops streams, closes sockets and the database; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    for (const t of this.timers) clearInterval(t);
    await this.whip.close();
    this.streams.close();
    // Every open tag ends, with its reason, before subscribers and the store are let go.
    await Promise.all([...this.ending]);
    this.subscription?.unsubscribe();
    this.hub.close();
    // Connections kept alive by steady requests (a dashboard polls every second) never go idle, so
    // close() would wait on them for good: end them all once it stopped taking new ones.
    const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await stopped;
    this.recorder.close();
    this.db.close();
    this.lock.release();
    if (this.ownsRuntime) await this.runtime.close();
  }
}

function eventQuery(q: URLSearchParams) {
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

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return json(error.status, { error: error.message });
  if (error instanceof StreamError) return json(error.status, { error: error.message });
  if (error instanceof IdentityStoreError || error instanceof ReferenceStoreError) return json(400, { error: error.message });
  console.error('mien: request failed:', error);
  return json(500, { error: 'internal error' });
}
