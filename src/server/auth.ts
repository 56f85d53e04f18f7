import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** True when the request carries the token (Authorization: Bearer, or ?token= where headers cannot be set, as for browser WebSockets). */
export function hasToken(req: IncomingMessage, token: string | undefined, url: URL): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization;
  const offered = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(offered), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
