import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '../../src/events/events.js';
import { TEST_PATTERNS } from '../../src/ingest/test-patterns.js';
import { CONFIG_DEFAULTS, loadConfig, type ServerConfig } from '../../src/server/config.js';

import { bodyRefusal, bodySchema, bodyValidator } from '../../src/server/request-body.js';
import { parseSubscribe } from '../../src/server/subscriber-filter.js';
import { scratchDir } from '../support/fixtures.js';
import { ConfigError, FilterError, HttpError } from '../../src/server/errors.js';

// Fuzzing the server's parsers of outside input: whatever arrives, each returns what it promises
// or throws its own error with a sentence, never another exception.

const outcome = (run: () => unknown): { value?: unknown; error?: unknown } => {
  try {
    return { value: run() };
  } catch (error) {
    return { error };
  }
};

/** Keys a JavaScript object already answers to: a parser that asks `key in object` takes them for its own. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const anyKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...PROTOTYPE_KEYS));

/** Near misses of a subscribe message: right and wrong fields, right and wrong values. */
const subscribeLike = fc.dictionary(
  fc.oneof(fc.constantFrom('type', 'streams', 'identities', 'tags', 'kinds'), anyKey),
  fc.oneof(
    fc.constantFrom('subscribe', 'unsubscribe', null, 1.5, -1),
    fc.array(fc.oneof(fc.string({ maxLength: 210 }), fc.integer(), fc.double(), fc.constantFrom(...EVENT_KINDS)), { maxLength: 5 }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { maxKeys: 6 },
);

/** Near misses of a stream request: every kind, its fields, and fields of other kinds. */
const streamRequestLike = fc.dictionary(
  fc.oneof(fc.constantFrom('kind', 'path', 'url', 'sdp', 'pattern', 'id', 'loop', 'transport', 'latencyMs'), anyKey),
  fc.oneof(
    fc.constantFrom('file', 'still', 'rtsp', 'rtp', 'test', 'whip', 'bogus', ...TEST_PATTERNS, 'tcp', 'udp', 'rtsp://cam/x', true, -5, 60001),
    fc.string({ unit: 'binary', maxLength: 70 }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { maxKeys: 5 },
);

describe('parsers of outside input (server)', () => {
  it('a WebSocket message becomes a filter of known kinds and bounded lists, or a FilterError', () => {
    fc.assert(
      fc.property(fc.oneof(subscribeLike, fc.jsonValue()), (message) => {
        const { value, error } = outcome(() => parseSubscribe(message));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(FilterError);
          return;
        }
        const filter = value as ReturnType<typeof parseSubscribe>;
        expect((message as { type: unknown }).type).toBe('subscribe');
        for (const kind of filter.kinds ?? []) expect(EVENT_KINDS).toContain(kind);
        for (const id of filter.identities ?? []) expect(Number.isInteger(id)).toBe(true);
        for (const text of [...(filter.streams ?? []), ...(filter.tags ?? [])]) expect(text.length > 0 && text.length <= 200).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("a stream request is one of the schema's kinds with only its own fields, or a 400 with a sentence", () => {
    const fields: Record<string, readonly string[]> = {
      file: ['kind', 'path', 'id', 'loop'],
      still: ['kind', 'path', 'id'],
      rtsp: ['kind', 'url', 'id', 'transport', 'latencyMs'],
      rtp: ['kind', 'sdp', 'id'],
      test: ['kind', 'pattern', 'id'],
      whip: ['kind', 'id'],
    };
    // The validator and the refusal Fastify runs on POST /api/streams' body.
    const validate = bodyValidator(bodySchema('StreamRequest'));
    fc.assert(
      fc.property(fc.oneof(streamRequestLike, fc.jsonValue()), (body) => {
        if (!validate(body)) {
          const refusal = bodyRefusal('StreamRequest', validate.errors ?? []);
          expect(refusal).toBeInstanceOf(HttpError);
          expect(refusal.status).toBe(400);
          expect(refusal.message).toMatch(/^the request body is not a StreamRequest: ./);
          return;
        }
        const request = body as Record<string, unknown> & { kind: string };
        expect(Object.keys(fields)).toContain(request.kind);
        for (const key of Object.keys(request)) expect(fields[request.kind]).toContain(key);
        if (request.id !== undefined) expect(request.id).toMatch(/^[\w.-]{1,64}$/);
      }),
      { numRuns: 3000 },
    );
  });

  it('a configuration file and environment give a configuration within its bounds, or one ConfigError naming every problem', () => {
    const dir = scratchDir();
    const file = join(dir, 'mien.json');
    const keys = [...Object.keys(CONFIG_DEFAULTS), 'token', 'expressionRate', 'mediaRoot'];
    const settingValue = fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.double(), fc.string({ maxLength: 20 }), fc.constantFrom(dir, '0', '5', 'a-token-of-16-chars!', ['https://desk.example'], null, true));
    const fileText = fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom(...keys), anyKey), settingValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    const env = fc.dictionary(
      fc.constantFrom('MIEN_PORT', 'MIEN_TOKEN', 'MIEN_ANALYSIS_FPS', 'MIEN_EXPRESSION_RATE', 'MIEN_ALLOWED_ORIGINS', 'MIEN_RETENTION_DAYS', 'MIEN_OPEN_READS', 'MIEN_MEDIA_ROOT'),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constant(dir)),
      { maxKeys: 3 },
    );
    fc.assert(
      fc.property(fileText, env, (text, environment) => {
        writeFileSync(file, text);
        const { value, error } = outcome(() => loadConfig({ file, env: environment }));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(ConfigError);
          return;
        }
        const config = value as ServerConfig;
        // Every key of the file is a setting of its own: nothing was taken in because an object answers to it.
        const parsed = JSON.parse(text) as Record<string, unknown>;
        for (const key of Object.keys(parsed)) expect(keys).toContain(key);
        expect(Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535).toBe(true);
        expect(Number.isInteger(config.analysisFps) && config.analysisFps >= 1 && config.analysisFps <= 60).toBe(true);
        if (config.token !== undefined) expect(config.token.length).toBeGreaterThanOrEqual(16);
        if (config.expressionRate !== undefined) expect(config.expressionRate > 0 && config.expressionRate <= 60).toBe(true);
        for (const origin of config.allowedOrigins) expect(new URL(origin).origin).toBe(origin);
      }),
      { numRuns: 500 },
    );
  });
});
