import type { IncomingMessage, ServerResponse } from 'node:http';
import { NEVER, of, type Subscription } from 'rxjs';
import { WhipEndpoint, type WhipEndpointOptions } from '../ingest/whip-endpoint.js';
import { openedLive, type OpenedSource } from '../ingest/source-spec.js';
import type { StreamOrigin } from './api-types.js';
import type { StreamInfo } from '../runtime/stream-info.js';
import type { StreamManager } from '../runtime/stream-manager.js';

/**
 * WebRTC publishers (WHIP) as streams: a session published to `<url>/<name>` becomes the stream
 * `<name>`, filling the slot reserved for it if there is one. A name held by a stream of another
 * kind is refused.
 */
export class WhipStreams {
  private readonly subscription: Subscription;

  private constructor(
    private readonly endpoint: WhipEndpoint,
    private readonly streams: StreamManager,
  ) {
    this.subscription = endpoint.sessions.subscribe((session) => {
      const id = session.source.stream;
      const existing = streams.get(id);
      if (existing && existing.kind !== 'whip') {
        session.close(`the name "${id}" belongs to a ${existing.kind} stream`);
        return;
      }
      if (existing) streams.remove(id);
      // A slot reserved in the config file or over the API stays theirs.
      streams.attach(openedLive(session.source, { kind: 'whip', url: this.publishUrl(id) }), { origin: existing?.origin ?? 'publisher' });
    });
  }

  /** @param serverUrl the URL of the server that mounts the endpoint (`handle`) at /whip */
  static mount(streams: StreamManager, options: WhipEndpointOptions, serverUrl: () => string): WhipStreams {
    return new WhipStreams(new WhipEndpoint(options, () => `${serverUrl()}/whip`), streams);
  }

  /** Answers a request under /whip that the server let through. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    return this.endpoint.handle(request, response);
  }

  /** Where a publisher posts its offer for stream `id`. */
  publishUrl(id: string): string {
    return `${this.endpoint.url}/${encodeURIComponent(id)}`;
  }

  /** Reserves a stream for a publisher to come: listed as connecting until one does. */
  reserve(origin: StreamOrigin, requested?: string): StreamInfo {
    const id = this.streams.claim(requested);
    const url = this.publishUrl(id);
    const waiting: OpenedSource = {
      stream: id,
      spec: { kind: 'whip', url },
      live: true,
      frames: NEVER,
      status: of({ stream: id, state: 'connecting' as const, reason: `waiting for a WebRTC publisher at ${url}`, at: Date.now() }),
      skippedFrames: () => 0,
      close: () => {},
    };
    return this.streams.attach(waiting, { origin });
  }

  async close(): Promise<void> {
    this.subscription.unsubscribe();
    await this.endpoint.close();
  }
}
