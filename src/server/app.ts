import type { IncomingMessage } from 'node:http';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MediaPathError } from '../ingest/errors.js';
import { StreamError } from '../runtime/errors.js';
import { IdentityStoreError, ReferenceStoreError } from '../store/errors.js';
import { PREFLIGHT_HEADERS, type AccessRules } from './auth.js';
import { HttpError } from './errors.js';
import type { EventHub } from './event-hub.js';
import { answerMalformedHttp, json, requireContentType, type Reply, type Route, type RouteBody, type Router } from './http.js';
import type { ServedMetrics } from './metrics.js';
import { bodyRefusal, bodySchema, bodyValidator, type BodySchema } from './request-body.js';
import type { WhipStreams } from './whip-streams.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes something: the token and origin rules hold for it (Router's `guarded`). */
    guarded?: boolean;
    /** The body the route reads; none: it reads no body, whatever its Content-Type. */
    body?: RouteBody;
    /** The WHIP endpoint, which answers for itself, its own CORS included. */
    whip?: boolean;
  }
}

/** What the HTTP layer routes requests to. */
export interface AppParts {
  readonly access: AccessRules;
  /** The API's and the dashboard's routes. */
  readonly router: Router;
  /** WebRTC publishers; none on a fleet gateway (a publisher's stream runs in the process it reaches). */
  readonly whip: WhipStreams | undefined;
  readonly hub: EventHub;
  readonly served: ServedMetrics;
}

/** JSON bodies are small: a stream request, a name. */
const JSON_LIMIT = 64 * 1024;

/** The Content-Types each kind of body is taken as, and how a refusal names them. */
const BODY_TYPES: Readonly<Record<RouteBody['kind'], { accepts: (mediaType: string) => boolean; expected: string }>> = {
  json: { accepts: (type) => type === 'application/json', expected: 'application/json' },
  upload: {
    accepts: (type) => type.startsWith('image/') || type === 'application/octet-stream' || type === 'multipart/form-data',
    expected: 'a picture (image/jpeg, image/png, image/webp), or a form with the picture as "face" and a photo at rest as "rest"',
  },
};

/** How each kind of body is read: in the context of its routes alone, so that no other route reads a body. */
const BODY_PARSERS: Readonly<Record<RouteBody['kind'], (app: FastifyInstance) => void>> = {
  // Own JSON.parse: `__proto__` stays a field, refused by the schema as unknown, as before.
  json: (app) =>
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
      try {
        done(null, JSON.parse(text as string));
      } catch {
        done(new HttpError(400, 'the request body is not valid JSON'));
      }
    }),
  // Read whole (the route's bodyLimit is the upload limit); a form is read from the Buffer by the route.
  upload: (app) => {
    for (const type of [/^image\//, 'application/octet-stream', 'multipart/form-data']) app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  },
};

/** Fastify's refusals of a Content-Type, before any hook of the route could answer: left to the route where it reads no body. */
const CONTENT_TYPE_ERRORS = new Set(['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE']);

type FastifyError = Error & { code?: string; statusCode?: number };

/**
 * The HTTP layer on Fastify, answering as the hand-written one did: the Host checked before any
 * path is looked at, the Router's routes mounted with the token and origin rules checked before a
 * body is read, then the Content-Type (415), the size (413), the JSON and its schema (400),
 * `{error}` bodies with Mien's sentences for every refusal, 404 and 405 told apart, CORS for
 * allowedOrigins, WHIP handed the raw request, and /events upgraded to a WebSocket for EventHub.
 */
export function buildApp(parts: AppParts): FastifyInstance {
  const { access, router, whip, hub, served } = parts;
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
    // A path segment is as long as the request line allows (Node's 16 KiB of headers), as before;
    // find-my-way's 100 characters guard regular-expression parameters, which no route has.
    routerOptions: { maxParamLength: 16 * 1024 },
    // The path as WHATWG URL reads it, as the Router had it: dot segments resolved, `\` as `/`.
    rewriteUrl: (req) => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        return url.pathname + url.search;
      } catch {
        // Not a URL at all (`http://[`): no route takes it as it is.
        return req.url ?? '/';
      }
    },
    // Bodies are checked by the OpenAPI document's schemas with request-body.ts's Ajv 2020: nothing
    // coerced or removed. Answers are JSON.stringify's. Fastify's own Ajv and fast-json-stringify are
    // never loaded (they took 80 ms of the first start).
    schemaController: {
      compilersFactory: {
        buildValidator: () => ({ schema }) => bodyValidator(schema as BodySchema),
        buildSerializer: () => () => (data) => JSON.stringify(data),
      },
    },
    clientErrorHandler: answerMalformedHttp,
    // A malformed %-escape in a path parameter: the Host first, then the Router's answer.
    frameworkErrors: (_error, request, reply) => {
      try {
        const refused = access.hostRefusal(request.raw);
        if (refused !== undefined) throw refused;
        answer(request, reply, notFound(request.raw));
      } catch (error) {
        answer(request, reply, errorReply(error));
      }
    },
  });

  /**
   * A request no route takes: a CORS preflight (answered for an allowed origin and a request a
   * route would take), 405 when a route takes the path with another method, 404 otherwise.
   */
  const notFound = (req: IncomingMessage): Reply => {
    const path = pathOf(req.url);
    if (req.method === 'OPTIONS') {
      const refusal = access.preflightRefusal(req);
      if (refusal !== undefined) throw refusal;
      const method = req.headers['access-control-request-method'];
      router.match(typeof method === 'string' ? method : 'GET', path);
      return { status: 204, headers: PREFLIGHT_HEADERS };
    }
    // The Router takes no path Fastify does not (the same normalised path); should it, no route answers.
    router.match(req.method ?? 'GET', path);
    throw new HttpError(404, `no such resource: ${path}`);
  };

  /** Sends a reply: no caching unless the route says so, JSON as JSON.stringify writes it, CORS for a page of an allowed origin (but WHIP's). */
  const answer = (request: FastifyRequest, reply: FastifyReply, r: Reply): FastifyReply => {
    const crossOrigin = request.routeOptions.config.whip === true ? {} : access.crossOriginHeaders(request.raw);
    reply.code(r.status).headers({ 'cache-control': 'no-store', ...r.headers, ...crossOrigin });
    if (r.json !== undefined) return reply.type('application/json; charset=utf-8').send(JSON.stringify(r.json));
    if (r.type !== undefined) reply.type(r.type);
    return reply.send(r.body);
  };

  app.removeAllContentTypeParsers();
  // A route that reads no body (and a request no route takes) leaves it unread, whatever its type.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Before the path is looked at: a page of another site learns nothing of which routes exist.
  app.addHook('onRequest', (request, _reply, done) => done(access.hostRefusal(request.raw)));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code !== undefined && CONTENT_TYPE_ERRORS.has(error.code)) {
      // Raised before the route's own hooks: a request no route takes, or a route that reads no body, answers anyway.
      if (request.is404) return answerWith(request, reply, () => notFound(request.raw));
      if (request.routeOptions.config.body === undefined) return request.routeOptions.handler.call(app, request, reply);
    }
    return answer(request, reply, errorReply(fastifyProblem(error, request)));
  });
  app.setNotFoundHandler((request, reply) => answerWith(request, reply, () => notFound(request.raw)));

  // WHIP answers for itself before any body is read (the hijacked request goes no further than this hook).
  const publish = (whip: WhipStreams) => (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    const refusal = access.whipRefusal(request.raw);
    if (refusal !== undefined) return done(refusal);
    reply.hijack();
    void whip.handle(request.raw, reply.raw);
    done();
  };

  // The WebSocket's messages are bounded by EventHub (16 KiB); this is the frame limit ws reads up to.
  // Subscribers are told 1001 when the server stops, whoever closes it first.
  void app.register(websocket, { options: { maxPayload: 1024 * 1024 }, preClose: (done) => {
      hub.close();
      done();
    },
  });
  // After the plugin: its hooks hold for every route (an upgrade is routed as any request, hooks included).
  void app.register((routes, _options, done) => {
    routes.addHook('onRequest', (request, _reply, next) => next(request.ws && request.routeOptions.url !== '/events' ? new HttpError(404, `no WebSocket at ${pathOf(request.url)}: events are at /events`) : undefined));
    const mountAll = (context: FastifyInstance, kind: RouteBody['kind'] | undefined): void => {
      for (const route of router.list()) if (route.body?.kind === kind) mount(context, route, access, answer, notFound);
    };
    mountAll(routes, undefined);
    for (const kind of Object.keys(BODY_PARSERS) as RouteBody['kind'][]) {
      // Encapsulated: the parsers of a kind of body hold for its routes only.
      void routes.register((context, _options, registered) => {
        BODY_PARSERS[kind](context);
        mountAll(context, kind);
        registered();
      });
    }
    if (whip) {
      for (const url of ['/whip', '/whip/*']) routes.route({ method: [...routes.supportedMethods], url, config: { whip: true }, onRequest: publish(whip), handler: () => undefined });
    }
    // A plain GET of /events is the dashboard's, as the Router has it; an upgrade is a subscriber.
    const page = router.match('GET', '/events');
    routes.route({
      method: 'GET',
      url: '/events',
      onRequest: (request, _reply, next) => {
        const refusal = request.ws ? access.socketRefusal(request.raw, new URL(request.url, 'http://localhost')) : access.routeRefusal(request.raw, '/events', page.route.guarded);
        next(refusal);
      },
      handler: async (request, reply) => answer(request, reply, await page.route.handler({ req: request.raw, params: page.params, query: new URLSearchParams(), body: undefined })),
      wsHandler: (socket) => {
        hub.adopt(socket);
        served.subscribers.set(hub.size);
      },
    });
    done();
  });
  return app;

  function answerWith(request: FastifyRequest, reply: FastifyReply, reply_: () => Reply): FastifyReply {
    try {
      return answer(request, reply, reply_());
    } catch (error) {
      return answer(request, reply, errorReply(error));
    }
  }
}

/**
 * One Router route as a Fastify route: its token and origin rules in an onRequest hook, before any
 * body is read; the Content-Type it reads checked before a byte is (415), its size limit (413) and
 * schema (400) by Fastify; the handler given a RequestContext.
 */
function mount(
  app: FastifyInstance,
  route: Route,
  access: AccessRules,
  answer: (request: FastifyRequest, reply: FastifyReply, r: Reply) => FastifyReply,
  notFound: (req: IncomingMessage) => Reply,
): void {
  const { body } = route;
  const checkedAs = body?.kind === 'json' ? body.schema : undefined;
  app.route({
    method: route.method,
    url: route.path,
    config: { guarded: route.guarded, body },
    bodyLimit: body && (body.kind === 'upload' ? body.limit : JSON_LIMIT),
    ...(checkedAs !== undefined && { schema: { body: bodySchema(checkedAs) }, schemaErrorFormatter: (errors) => bodyRefusal(checkedAs, errors) }),
    onRequest: (request, reply, done) => {
      // A path Fastify gives the route with an empty parameter (`/api/streams/`), which the Router does not take.
      if (Object.values(request.params as Record<string, string>).includes('')) {
        try {
          answer(request, reply, notFound(request.raw));
        } catch (error) {
          answer(request, reply, errorReply(error));
        }
        return;
      }
      done(access.routeRefusal(request.raw, pathOf(request.url), route.guarded));
    },
    preParsing: body && ((request, _reply, payload, done) => {
      const { accepts, expected } = BODY_TYPES[body.kind];
      try {
        requireContentType(request.raw, accepts, expected);
      } catch (refusal) {
        done(refusal as HttpError);
        return;
      }
      done(null, payload);
    }),
    handler: async (request, reply) => {
      const query = new URLSearchParams(request.url.slice(pathOf(request.url).length + 1));
      return answer(request, reply, await route.handler({ req: request.raw, params: request.params as Record<string, string>, query, body: request.body }));
    },
  });
}

/** The path of a request's URL, as rewritten (normalised) before routing. */
const pathOf = (url: string | undefined = '/'): string => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

const STREAM_PROBLEM_STATUS = { unknown: 404, taken: 409, invalid: 400 } as const;
const MEDIA_PATH_PROBLEM_STATUS = { off: 403, outside: 403, invalid: 400, missing: 404 } as const;

/** A failure as the client is told it: a sentence, and a status that says whose mistake it was. */
function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return json(error.status, { error: error.message });
  if (error instanceof StreamError) return json(STREAM_PROBLEM_STATUS[error.problem], { error: error.message });
  if (error instanceof MediaPathError) return json(MEDIA_PATH_PROBLEM_STATUS[error.problem], { error: error.message });
  if (error instanceof IdentityStoreError || error instanceof ReferenceStoreError) return json(400, { error: error.message });
  console.error('mien: request failed:', error);
  return json(500, { error: 'internal error' });
}

/** Fastify's own refusals of a request (FST_ERR_*, 4xx) in Mien's sentences; anything else unchanged. */
function fastifyProblem(error: FastifyError, request: FastifyRequest): unknown {
  const status = error.statusCode;
  // Ours already (a body refused by its schema, a refusal of a hook): as it is.
  if (error instanceof HttpError || error.code?.startsWith('FST_') !== true || status === undefined || status < 400 || status >= 500) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit;
      const declared = Number(request.headers['content-length']);
      return new HttpError(413, Number.isFinite(declared) && declared > limit ? `the upload is ${declared} bytes; the limit is ${limit}` : `the upload is over the ${limit}-byte limit`);
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, `the Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not a media type`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'the request body is not as long as its Content-Length says');
    default:
      return new HttpError(status, error.message);
  }
}
