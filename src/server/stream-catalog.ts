import { SdpError } from '../ingest/errors.js';
import { checkRtspUrl } from '../ingest/rtsp-source.js';
import { sdpVideo } from '../ingest/sdp-video.js';
import type { SourceSpec } from '../ingest/source-spec.js';
import type { StreamStore } from '../store/stream-store.js';
import type { StreamInfo, StreamRequestBody } from './api-types.js';
import type { DeclaredStream } from './config.js';
import { json, type Router } from './http.js';
import { confinedMediaPath } from '../ingest/media-root.js';
import { schemaProblems } from './request-body.js';
import type { StreamManager, StreamRequest } from '../runtime/stream-manager.js';
import type { WhipStreams } from './whip-streams.js';
import { HttpError } from './errors.js';

export interface StreamCatalogOptions {
  /** Where the API's file and still streams must lie (none: the API refuses them). */
  readonly mediaRoot: string | undefined;
  /** The config file's streams. */
  readonly declared: readonly DeclaredStream[];
  readonly log: (line: string) => void;
}

/**
 * The streams the server runs and where each came from: the config file's and the API's are kept
 * (the API's in SQLite, as they were asked for) and come back after a restart; a publisher's and
 * the demo's last one run. Every request is checked here before anything is opened: paths
 * confined to the media root, URLs and SDPs read, so a bad one is the caller's 4xx and never
 * reaches GStreamer.
 */
export class StreamCatalog {
  constructor(
    private readonly streams: StreamManager,
    private readonly whip: WhipStreams,
    private readonly kept: StreamStore,
    private readonly options: StreamCatalogOptions,
  ) {}

  /** POST /api/streams: opened, and kept until it is removed. */
  add(body: StreamRequestBody): StreamInfo {
    const stream = this.open(body, 'api');
    // As asked (a path as the caller named it): read through the same checks when it comes back.
    this.kept.keep(stream.id, { ...body, id: stream.id });
    return stream;
  }

  /** DELETE /api/streams/:id: stopped and let go; the config file's are changed in the config file. */
  remove(id: string): void {
    if (this.streams.get(id)?.origin === 'config') throw new HttpError(409, `the stream "${id}" is declared in the config file: remove it there, then restart`);
    this.streams.remove(id);
    this.kept.forget(id);
  }

  /** A stream stopped for good: a file of the API's that played to its end does not come back. */
  ended(id: string): void {
    const stream = this.streams.get(id);
    if (stream?.status === 'ended' && stream.origin === 'api') this.kept.forget(id);
  }

  /**
   * The config file's streams, then those kept from the API, as they were before the restart. One
   * that no longer opens (its file gone, the media root changed) is listed as failed, with why.
   */
  restore(): void {
    const restore = (stream: StreamRequestBody & { id: string }, origin: 'config' | 'api') => {
      try {
        this.open(stream, origin);
      } catch (error) {
        const reason = `not restored: ${(error as Error).message}`;
        this.options.log(`mien: the stream "${stream.id}" was ${reason}`);
        this.streams.addFailed(stream.id, sourceOf(stream, (id) => this.whip.publishUrl(id)), reason, origin);
      }
    };
    for (const stream of this.options.declared) restore(stream, 'config');
    const declared = new Set(this.options.declared.map((s) => s.id));
    for (const { id, request } of this.kept.list()) {
      const wrong = schemaProblems('StreamRequest', request);
      if (declared.has(id) || wrong.length > 0) {
        this.options.log(`mien: the stream "${id}" added over the API is let go: ${declared.has(id) ? 'the config file now declares a stream of that id' : `it is no longer a stream request (${wrong.join('; ')}); add it again`}`);
        this.kept.forget(id);
      } else {
        restore({ ...(request as StreamRequestBody), id }, 'api');
      }
    }
  }

  /** GET, POST and DELETE of /api/streams; `removed` hears of each stream removed (its preview goes). */
  routes(router: Router, removed: (id: string) => void): void {
    router.add('GET', '/api/streams', () => json(200, { streams: this.streams.list() }));
    // The body is a StreamRequest: checked by the route's schema before the handler runs.
    router.add('POST', '/api/streams', ({ body }) => json(201, this.add(body as StreamRequestBody)), { body: { kind: 'json', schema: 'StreamRequest' } });
    router.add('GET', '/api/streams/:id', ({ params }) => {
      const stream = this.streams.get(params.id);
      if (!stream) throw new HttpError(404, `no stream "${params.id}"`);
      return json(200, stream);
    });
    router.add('DELETE', '/api/streams/:id', ({ params }) => {
      this.remove(params.id);
      removed(params.id);
      return { status: 204 };
    });
  }

  /** Opens what a checked request asks for; a path from the API must lie in the media root, the config file's are the operator's own. */
  private open(body: StreamRequestBody, origin: 'config' | 'api'): StreamInfo {
    const locate = origin === 'api' ? (path: string) => confinedMediaPath(this.options.mediaRoot, path) : (path: string) => path;
    const request = streamRequest(body, locate);
    return request.kind === 'whip' ? this.whip.reserve(origin, request.id) : this.streams.add(request, origin);
  }
}

/** What a checked request asks the stream manager for: paths found by `locate`, the URL and SDP read. */
export function streamRequest(body: StreamRequestBody, locate: (path: string) => string): StreamRequest | { kind: 'whip'; id?: string } {
  switch (body.kind) {
    case 'file':
      return { ...body, path: locate(body.path) };
    case 'still':
      return { ...body, path: locate(body.path) };
    case 'rtsp':
      try {
        checkRtspUrl(body.url);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      return body;
    case 'rtp':
      try {
        sdpVideo(body.sdp);
      } catch (error) {
        if (error instanceof SdpError) throw new HttpError(400, error.message);
        throw error;
      }
      return body;
    case 'test':
    case 'whip':
      return body;
  }
}

/** The source a request names, unchecked: to list a stream that did not open. */
function sourceOf(body: StreamRequestBody & { id: string }, publishUrl: (id: string) => string): SourceSpec {
  switch (body.kind) {
    case 'file':
    case 'still':
      return { kind: body.kind, path: body.path };
    case 'rtsp':
      return { kind: 'rtsp', url: body.url };
    case 'rtp':
      return { kind: 'rtp', sdp: body.sdp };
    case 'test':
      return { kind: 'test', pattern: body.pattern };
    case 'whip':
      return { kind: 'whip', url: publishUrl(body.id) };
  }
}
