import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/**
 * True when the request carries the token in `Authorization: Bearer`. REST takes it from the header
 * only: a token in a URL ends up in logs and browser history.
 */
export function hasBearerToken(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') === true && sameSecret(header.slice(7), token);
}

/** For the WebSocket, which browsers open without headers of their own: `?token=` counts too. */
export function hasSocketToken(req: IncomingMessage, token: string | undefined, url: URL): boolean {
  return hasBearerToken(req, token) || (token !== undefined && sameSecret(url.searchParams.get('token') ?? '', token));
}

/** Compares in constant time, so the time taken tells nothing of the token. */
export function sameSecret(offered: string, token: string): boolean {
  const a = Buffer.from(offered), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a browser's request must be refused as cross-site, or undefined when it may go on. Browsers
 * send `Origin` with every request that changes something and with every WebSocket; a page on
 * another site (or a sandboxed one, `null`) may not act through the operator's browser unless its
 * origin is allowed. Clients that are not browsers send no Origin and are left to the token.
 */
export function crossSiteRefusal(req: IncomingMessage, allowedOrigins: readonly string[]): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || allowedOrigins.includes(origin)) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    // `null` and other opaque origins: never this server's.
  }
  if (host !== undefined && host === req.headers.host) return undefined;
  return `requests from pages of ${origin} are refused; the operator may allow that origin (allowedOrigins)`;
}

/**
 * Why a request to a server without a token must be refused for its Host, or undefined. Without a
 * token the server listens on loopback only; a Host that is not a loopback name means a page of
 * another site reached it through a DNS name rebound to this machine.
 */
export function hostRefusal(req: IncomingMessage, token: string | undefined): string | undefined {
  if (token !== undefined) return undefined;
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return isLoopback(name) ? undefined : `this server answers to loopback names only (localhost, 127.0.0.1, [::1]) while it has no token; got Host ${JSON.stringify(host)}`;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** What a passed preflight may do next; its origin is named by `crossOriginHeaders`, as on every answer. */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
};

/** What the access rules are made of: the server's token, the other origins allowed, whether reads are open. */
export interface AccessSettings {
  readonly token?: string;
  readonly allowedOrigins: readonly string[];
  readonly openReads: boolean;
}

/** The rules every route, the WHIP endpoint and the WebSocket share: why a request is refused, or undefined. */
export class AccessRules {
  constructor(private readonly settings: AccessSettings) {}

  /** Checked before the path is looked at: a page of another site learns nothing of which routes exist. */
  hostRefusal(req: IncomingMessage): HttpError | undefined {
    const host = hostRefusal(req, this.settings.token);
    return host === undefined ? undefined : new HttpError(403, host);
  }

  /** For a route once its Host passed; `changes` when it changes something. */
  routeRefusal(req: IncomingMessage, pathname: string, changes: boolean): HttpError | undefined {
    // Reads of /api hold faces and who was seen when: they need the token as changes do.
    const needsToken = changes || (pathname.startsWith('/api/') && !this.settings.openReads);
    return this.refusal(req, changes, needsToken, 'this');
  }

  whipRefusal(req: IncomingMessage): HttpError | undefined {
    // A CORS preflight carries no credentials and changes nothing: it is let through.
    return this.hostRefusal(req) ?? (req.method === 'OPTIONS' ? undefined : this.refusal(req, true, true, 'publishing'));
  }

  /** A WebSocket is not bound by the same-origin policy: any page could read the events, so it is held to a change's rules. */
  socketRefusal(req: IncomingMessage, url: URL): HttpError | undefined {
    const crossSite = hostRefusal(req, this.settings.token) ?? crossSiteRefusal(req, this.settings.allowedOrigins);
    if (crossSite !== undefined) return new HttpError(403, crossSite);
    if (!hasSocketToken(req, this.settings.token, url)) return new HttpError(401, 'the WebSocket needs the bearer token (?token=...)');
    return undefined;
  }

  /**
   * What lets a page of an allowed origin read the answer (CORS): nothing for other requests.
   * Browsers send `Origin` on every cross-origin request, so the answer names that one origin.
   */
  crossOriginHeaders(req: IncomingMessage): Record<string, string> {
    const origin = this.allowedOrigin(req);
    return origin === undefined ? {} : { 'access-control-allow-origin': origin, vary: 'Origin' };
  }

  /**
   * Why a browser's CORS preflight (OPTIONS before a JSON change or a request with the token) is
   * refused: it is answered for the pages of `allowedOrigins` only, with PREFLIGHT_HEADERS. It
   * carries no credentials; the request that follows is held to the token as any other.
   */
  preflightRefusal(req: IncomingMessage): HttpError | undefined {
    if (this.allowedOrigin(req) !== undefined) return undefined;
    return new HttpError(403, `cross-origin requests are answered for the pages of allowedOrigins only; ${req.headers.origin ?? 'a request without an Origin'} is not one`);
  }

  /** The request's Origin when it is one of `allowedOrigins`. */
  private allowedOrigin(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    return origin !== undefined && this.settings.allowedOrigins.includes(origin) ? origin : undefined;
  }

  /** A change from a browser needs the same origin (or an allowed one); the bearer token where one is needed (`what` names the request in the sentence). */
  private refusal(req: IncomingMessage, changes: boolean, needsToken: boolean, what: string): HttpError | undefined {
    const crossSite = changes ? crossSiteRefusal(req, this.settings.allowedOrigins) : undefined;
    if (crossSite !== undefined) return new HttpError(403, crossSite);
    if (needsToken && !hasBearerToken(req, this.settings.token)) return new HttpError(401, `${what} needs the bearer token (Authorization: Bearer ...)`);
    return undefined;
  }
}
