import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { WhipRequestError } from './errors.js';
import { WhipSession, type WhipSessionOptions } from './whip-session.js';

export type WhipEndpointOptions = WhipSessionOptions;

export interface WhipListenOptions extends WhipEndpointOptions {
  /** Address to listen on. Default '127.0.0.1'. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  readonly port?: number;
}

/** Offers larger than this are refused: a real one is a few kilobytes. */
const MAX_OFFER_BYTES = 64 * 1024;
const PATH = /^\/whip\/([A-Za-z0-9._~-]+)(?:\/([0-9a-f-]{36}))?$/;

// Browsers publish from pages of other origins: answer CORS, and let them read Location.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
  'access-control-expose-headers': 'location',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OFFER_BYTES) reject(new WhipRequestError(413, `an offer is at most ${MAX_OFFER_BYTES} bytes`));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A WHIP endpoint (RFC 9725) for WebRTC publishers: POST /whip/<stream> with an SDP offer answers
 * 201 with the SDP answer and the session's URL in Location; DELETE that URL ends the session.
 * Each session is a LiveSource (`sessions`), stopped when the publisher leaves.
 *
 * It answers the requests it is handed (`handle`) and asks nothing of who sends them: the server
 * that mounts it decides who may publish (`mien serve`: its token and origin checks, on its own
 * port). `listen` gives it a server of its own, unguarded, for tools and tests on loopback.
 */
export class WhipEndpoint {
  readonly #options: WhipEndpointOptions;
  readonly #baseUrl: () => string;
  readonly #sessions = new Map<string, WhipSession>();
  readonly #opened = new Subject<WhipSession>();
  #server: Server | undefined;
  #closed = false;

  /** @param baseUrl where the mounting server serves /whip, e.g. `http://127.0.0.1:8080/whip` */
  constructor(options: WhipEndpointOptions, baseUrl: () => string) {
    this.#options = options;
    this.#baseUrl = baseUrl;
  }

  static async listen(options: WhipListenOptions = {}): Promise<WhipEndpoint> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const { address, port } = server.address() as AddressInfo;
    const endpoint = new WhipEndpoint(options, () => `http://${address.includes(':') ? `[${address}]` : address}:${port}/whip`);
    endpoint.#server = server;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void endpoint.handle(request, response));
    return endpoint;
  }

  /** The base URL publishers POST to, with the stream name appended: `${endpoint.url}/door`. */
  get url(): string {
    return this.#baseUrl();
  }

  /** Each session as a publisher opens it. */
  get sessions(): Observable<WhipSession> {
    return this.#opened.asObservable();
  }

  /** Ends every session and stops listening. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of this.#sessions.values()) session.close('the WHIP endpoint closed');
    this.#sessions.clear();
    this.#opened.complete();
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Answers a request under /whip; never rejects: a failure is answered with its status and a sentence. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.#answer(request, response);
    } catch (error) {
      const status = error instanceof WhipRequestError ? error.status : 500;
      if (status === 500) console.error('mien: WHIP request failed:', error);
      response.writeHead(status, { ...CORS, 'content-type': 'text/plain; charset=utf-8' }).end(`${status === 500 ? 'internal error' : (error as Error).message}\n`);
    }
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = PATH.exec(new URL(request.url ?? '/', 'http://host').pathname);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    if (!match) throw new WhipRequestError(404, 'no such WHIP resource: publish to /whip/<stream>');
    const [, stream] = match;
    const sessionId = match[2] as string | undefined;
    if (sessionId === undefined && request.method === 'POST') {
      await this.#publish(stream, request, response);
    } else if (sessionId !== undefined && request.method === 'DELETE') {
      const session = this.#sessions.get(sessionId);
      if (session === undefined) throw new WhipRequestError(404, `no session ${sessionId}`);
      this.#sessions.delete(sessionId);
      session.close('the publisher ended the session');
      response.writeHead(200, CORS).end();
    } else {
      // PATCH (trickle ICE and ICE restarts) is not supported: offers must carry their candidates.
      throw new WhipRequestError(405, `${request.method} is not supported here`);
    }
  }

  async #publish(stream: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers['content-type']?.split(';')[0].trim() !== 'application/sdp') {
      throw new WhipRequestError(415, 'a WHIP offer is sent as application/sdp');
    }
    const offer = await readBody(request);
    const { session, answer } = await WhipSession.answer(stream, offer, this.#options);
    if (this.#closed) {
      session.close('the WHIP endpoint closed');
      throw new WhipRequestError(503, 'the WHIP endpoint is closing');
    }
    this.#sessions.set(session.id, session);
    session.source.status.subscribe({ complete: () => this.#sessions.delete(session.id) });
    response.writeHead(201, { ...CORS, 'content-type': 'application/sdp', location: `/whip/${stream}/${session.id}` }).end(answer);
    this.#opened.next(session);
  }
}
