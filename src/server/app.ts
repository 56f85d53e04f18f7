import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import { StreamError } from '../runtime/errors.js';
import { IdentityStoreError, ReferenceStoreError } from '../store/errors.js';
import { PREFLIGHT_HEADERS, type AccessRules } from './auth.js';
import { HttpError } from './errors.js';
import type { EventHub } from './event-hub.js';
import { answerMalformedHttp, json, type Reply, type Route, type Router } from './http.js';
import type { MienMetrics } from './metrics.js';
import type { WhipStreams } from './whip-streams.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes something: the token and origin rules hold for it (Router's `guarded`). */
    guarded?: boolean;
    /** The WHIP endpoint, which answers for itself, its own CORS included. */
    whip?: boolean;
  }
}

/** What the HTTP layer routes requests to. */
export interface AppParts {
  readonly access: AccessRules;
  /** The API's and the dashboard's routes. */
  readonly router: Router;
  readonly whip: WhipStreams;
  readonly hub: EventHub;
  readonly metrics: MienMetrics;
}

/** Fastify's refusals that the routes answer for themselves, in their own sentences (a Content-Type it cannot read). */
const ANSWERED_BY_ROUTES = new Set(['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE']);

/**
 * The HTTP layer on Fastify, answering as the hand-written one did: the Host checked before any
 * path is looked at, the Router's routes mounted with the token and origin rules checked before a
 * body is read, `{error}` bodies with Mien's sentences for every refusal, 404 and 405 told apart,
 * CORS for allowedOrigins, WHIP handed the raw request, and the WebSocket on the server's upgrades.
 * Bodies are left unread: the routes read `req` themselves, with their own limits and sentences.
 */
export function buildApp(parts: AppParts): FastifyInstance {
  const { access, router, whip, hub, metrics } = parts;
  const app = Fastify({
    // Connections kept alive by steady requests (a dashboard polls every second) never go idle:
    // close() ends them all once it stopped taking new ones.
    forceCloseConnections: true,
    return503OnClosing: false,
    // HEAD is answered as any method a route does not take (405), as before.
    exposeHeadRoutes: false,
    // Node's own defaults, which Fastify would change (72 s and none).
    keepAliveTimeout: 5000,
    requestTimeout: 300_000,
    clientErrorHandler: answerMalformedHttp,
    // A malformed %-escape in a path parameter: the Host first, then the Router's answer.
    frameworkErrors: (_error, request, reply) => {
      const refused = access.hostRefusal(request.raw);
      const answered = refused === undefined ? dispatch(request.raw) : Promise.reject(refused);
      answered.then(
        (r) => answer(request, reply, r),
        (e: unknown) => answer(request, reply, errorReply(e)),
      );
    },
  });

  /** Today's answer, for the requests no mounted route takes: preflights, 404s and 405s, paths only the Router reads as its own. */
  const dispatch = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') return preflight(req, url.pathname);
    const { route, params } = router.match(req.method ?? 'GET', url.pathname);
    const refusal = access.routeRefusal(req, url.pathname, route.guarded);
    if (refusal !== undefined) throw refusal;
    return route.handler({ req, params, query: url.searchParams });
  };

  /** A CORS preflight: answered for an allowed origin and a request the router would take. */
  const preflight = (req: IncomingMessage, pathname: string): Reply => {
    const refusal = access.preflightRefusal(req);
    if (refusal !== undefined) throw refusal;
    const method = req.headers['access-control-request-method'];
    router.match(typeof method === 'string' ? method : 'GET', pathname);
    return { status: 204, headers: PREFLIGHT_HEADERS };
  };

  /** Sends a reply as `send` in http.ts does; a page of an allowed origin may read every answer but WHIP's. */
  const answer = (request: FastifyRequest, reply: FastifyReply, r: Reply): FastifyReply => {
    const crossOrigin = request.routeOptions.config.whip === true ? {} : access.crossOriginHeaders(request.raw);
    reply.code(r.status).headers({ 'cache-control': 'no-store', ...r.headers, ...crossOrigin });
    if (r.json !== undefined) return reply.type('application/json; charset=utf-8').send(JSON.stringify(r.json));
    if (r.type !== undefined) reply.type(r.type);
    return reply.send(r.body);
  };

  const publish = (request: FastifyRequest, reply: FastifyReply): void => {
    const refusal = access.whipRefusal(request.raw);
    if (refusal !== undefined) throw refusal;
    reply.hijack();
    void whip.handle(request.raw, reply.raw);
  };

  app.removeAllContentTypeParsers();
  // Every body is left to the route, unread.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Before the path is looked at: a page of another site learns nothing of which routes exist.
  app.addHook('onRequest', (request, _reply, done) => done(access.hostRefusal(request.raw)));

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (error.code !== undefined && ANSWERED_BY_ROUTES.has(error.code)) {
      if (request.routeOptions.config.whip === true) {
        try {
          publish(request, reply);
          return;
        } catch (refusal) {
          return answer(request, reply, errorReply(refusal));
        }
      }
      return dispatch(request.raw).then(
        (r) => answer(request, reply, r),
        (e: unknown) => answer(request, reply, errorReply(e)),
      );
    }
    return answer(request, reply, errorReply(fastifyProblem(error)));
  });
  app.setNotFoundHandler(async (request, reply) => answer(request, reply, await dispatch(request.raw)));

  for (const route of router.list()) mount(app, route, access, answer, dispatch);

  app.route({ method: [...app.supportedMethods], url: '/whip', config: { whip: true }, handler: publish });
  app.route({ method: [...app.supportedMethods], url: '/whip/*', config: { whip: true }, handler: publish });

  app.server.on('upgrade', (req: IncomingMessage, socket, head) => {
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
  return app;
}

/**
 * One Router route as a Fastify route: its token and origin rules in an onRequest hook, before any
 * body is read, and the handler given today's RequestContext over the raw request.
 */
function mount(
  app: FastifyInstance,
  route: Route,
  access: AccessRules,
  answer: (request: FastifyRequest, reply: FastifyReply, r: Reply) => FastifyReply,
  dispatch: (req: IncomingMessage) => Promise<Reply>,
): void {
  const guard = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!ownPath(request)) return done();
    done(access.routeRefusal(request.raw, new URL(request.url, 'http://localhost').pathname, request.routeOptions.config.guarded === true));
  };
  app.route({
    method: route.method,
    url: route.path,
    config: { guarded: route.guarded },
    onRequest: guard,
    handler: async (request, reply) => {
      if (!ownPath(request)) return answer(request, reply, await dispatch(request.raw));
      const req = request.raw;
      const url = new URL(req.url ?? '/', 'http://localhost');
      return answer(request, reply, await route.handler({ req, params: request.params as Record<string, string>, query: url.searchParams }));
    },
  });
}

/** False for a path Fastify gives the route with an empty parameter (`/api/streams/`), which the Router does not. */
function ownPath(request: FastifyRequest): boolean {
  return !Object.values(request.params as Record<string, string>).includes('');
}

const STREAM_PROBLEM_STATUS = { unknown: 404, taken: 409, invalid: 400 } as const;

/** A failure as the client is told it: a sentence, and a status that says whose mistake it was. */
export function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return json(error.status, { error: error.message });
  if (error instanceof StreamError) return json(STREAM_PROBLEM_STATUS[error.problem], { error: error.message });
  if (error instanceof IdentityStoreError || error instanceof ReferenceStoreError) return json(400, { error: error.message });
  console.error('mien: request failed:', error);
  return json(500, { error: 'internal error' });
}

/** Fastify's own refusals of a request (FST_ERR_*, 4xx) in Mien's shape; anything else unchanged. */
function fastifyProblem(error: Error & { code?: string; statusCode?: number }): unknown {
  const status = error.statusCode;
  if (error.code?.startsWith('FST_') === true && status !== undefined && status >= 400 && status < 500) return new HttpError(status, error.message);
  return error;
}
