import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from './errors.js';
import type { RequestSchema } from './request-body.js';

/** A route's answer. */
export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly body?: Uint8Array | string;
  readonly type?: string;
  readonly headers?: Record<string, string>;
}

/** What a handler gets: the request, its path parameters and query, and the body its route reads. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** As `RouteBody` says: parsed JSON (checked against its schema), an upload's Buffer, or undefined for a route that reads none. */
  readonly body: unknown;
}

/**
 * The body a route reads; the HTTP layer refuses any other Content-Type (415) before reading a
 * byte, and a body over the limit (413). JSON is read up to 64 KiB, and checked against a schema
 * of the API when one is named (400 with a sentence).
 */
export interface JsonBody {
  readonly kind: 'json';
  readonly schema?: RequestSchema;
}

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

export const json = (status: number, value: unknown): Reply => ({ status, json: value });

export interface Route {
  readonly method: string;
  /** As given to `add`: `/api/streams/:id`. */
  readonly path: string;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly handler: Handler;
  /** Mutating routes need the bearer token. */
  readonly guarded: boolean;
  readonly body?: RouteBody;
}

/** A picture, or a multipart form of pictures, read whole into a Buffer up to `limit` bytes. */
export interface UploadBody {
  readonly kind: 'upload';
  readonly limit: number;
}

export type RouteBody = JsonBody | UploadBody;

export interface RouteOptions {
  /** Needs the token and the origin rules; default: every method but GET. */
  readonly guarded?: boolean;
  readonly body?: RouteBody;
}

/** Method + path routing with `:name` parameters; mutating methods are guarded unless said otherwise. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler, options: RouteOptions = {}): this {
    const names: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
    this.routes.push({ method, path, pattern, names, handler, guarded: options.guarded ?? method !== 'GET', body: options.body });
    return this;
  }

  /** Every route, in the order added. */
  list(): readonly Route[] {
    return this.routes;
  }

  /** The route for a request, 404 when no path matches, 405 when only the method differs. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      return { route, params: Object.fromEntries(route.names.map((n, i) => [n, decodedSegment(m[i + 1])])) };
    }
    throw new HttpError(pathMatched ? 405 : 404, pathMatched ? `${method} is not allowed on ${path}` : `no such resource: ${path}`);
  }
}

/** A path segment's text; a malformed %-escape is the caller's mistake (400), not a failure. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `the path segment ${JSON.stringify(segment)} holds a malformed %-escape`);
  }
}

/**
 * Answers a request Node's HTTP parser refused (not HTTP/1.1, headers too large, a body the headers
 * do not frame) with a sentence, where Node alone closes the connection with a bare 400.
 */
export function answerMalformedHttp(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = JSON.stringify({ error: `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'}): ${error.message}` });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Refuses (415) a body whose declared type `accepts` does not take: a page of another site can
 * send text/plain without asking first, but not application/json or a picture type.
 */
export function requireContentType(req: IncomingMessage, accepts: (mediaType: string) => boolean, expected: string): void {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!accepts(mediaType)) throw new HttpError(415, `send the body as ${expected}, not ${mediaType === '' ? 'without a Content-Type' : mediaType}`);
}
