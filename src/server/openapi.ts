import { EVENT_KINDS, EVENT_SCHEMA, STREAM_STATUSES } from '../events/events.js';
import { TEST_PATTERNS } from '../ingest/test-patterns.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const guarded = { security: [{ bearer: [] }] };
const streamId = { type: 'string', pattern: '^[\\w.-]{1,64}$' } as const;
const mediaPath = { type: 'string', minLength: 1, maxLength: 4096 } as const;
const idParam = (name: string, type: 'string' | 'integer') => ({ name, in: 'path', required: true, schema: { type } });

/** The HTTP API, OpenAPI 3.1 (schemas are JSON Schema 2020-12, as the event schema is). Served at /api/openapi.json. */
export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Mien', version: '0.1.0', description: 'Live facial-expression analysis: streams, custom expressions, people and events.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
      Health: { type: 'object', properties: { status: { enum: ['ok', 'starting', 'stopped', 'cut-off'], description: "stopped: the analysis ended (a failure no batch could absorb); cut-off: a fleet gateway cannot reach its NATS server" } }, required: ['status'] },
      Stream: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          kind: { enum: ['file', 'rtsp', 'rtp', 'test', 'still', 'whip'] },
          source: { type: 'string' },
          origin: { enum: ['config', 'api', 'publisher', 'demo'], description: 'config and api streams are kept and come back after a restart; a config stream is removed from the config file, not the API' },
          status: { enum: STREAM_STATUSES },
          reason: { type: 'string' },
          framesReceived: { type: 'integer', minimum: 0 },
          framesAnalysed: { type: 'integer', minimum: 0 },
          framesSkipped: { type: 'integer', minimum: 0, description: 'Frames the source let go: beyond the analysis rate (as asked), or while the server was busy' },
          framesDropped: { type: 'integer', minimum: 0, description: 'Frames received and then replaced by newer ones while the analysis was busy: it is behind' },
          analysedPerSecond: { type: 'number', minimum: 0 },
          skippedPerSecond: { type: 'number', minimum: 0 },
          droppedPerSecond: { type: 'number', minimum: 0 },
          worker: { type: ['string', 'null'], description: "A fleet gateway's listing only: the worker running it, null while none has claimed it. Counts and rates are as that worker last reported them" },
        },
        required: ['id', 'kind', 'source', 'origin', 'status', 'reason', 'framesReceived', 'framesAnalysed', 'framesSkipped', 'framesDropped', 'analysedPerSecond', 'skippedPerSecond', 'droppedPerSecond'],
        additionalProperties: false,
      },
      StreamList: { type: 'object', properties: { streams: { type: 'array', items: ref('Stream') } }, required: ['streams'] },
      StreamRequest: {
        type: 'object',
        description: 'A file or still path is taken inside the server\'s media root (mediaRoot); without one, file and still streams are refused (403)',
        discriminator: { propertyName: 'kind' },
        required: ['kind'],
        oneOf: [
          { type: 'object', properties: { kind: { const: 'file' }, path: mediaPath, id: streamId, loop: { type: 'boolean' } }, required: ['kind', 'path'], additionalProperties: false },
          {
            type: 'object',
            properties: { kind: { const: 'rtsp' }, url: { type: 'string', pattern: '^rtsps?://', maxLength: 2048 }, id: streamId, transport: { enum: ['tcp', 'udp'] }, latencyMs: { type: 'integer', minimum: 0, maximum: 60000 } },
            required: ['kind', 'url'],
            additionalProperties: false,
          },
          { type: 'object', properties: { kind: { const: 'rtp' }, sdp: { type: 'string', minLength: 1, maxLength: 65536 }, id: streamId }, required: ['kind', 'sdp'], additionalProperties: false },
          { type: 'object', properties: { kind: { const: 'test' }, pattern: { enum: TEST_PATTERNS }, id: streamId }, required: ['kind'], additionalProperties: false },
          { type: 'object', properties: { kind: { const: 'still' }, path: mediaPath, id: streamId }, required: ['kind', 'path'], additionalProperties: false },
          {
            type: 'object',
            description: 'A slot for a WebRTC publisher: the answer\'s `source` says where to publish (WHIP, RFC 9725)',
            properties: { kind: { const: 'whip' }, id: streamId },
            required: ['kind'],
            additionalProperties: false,
          },
        ],
      },
      Reference: {
        type: 'object',
        properties: {
          id: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
          threshold: { type: 'number' },
          createdAt: { type: 'string', format: 'date-time' },
          source: { type: 'string' },
          box: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
          embeddingModel: { type: 'string' },
          matched: { type: 'boolean', description: 'false when the reference was made with another embedding than the running one: it is not matched; add it again' },
          rest: {
            enum: ['none', 'population', 'rest-photo', 'own-track'],
            description:
              "what the face was read against: people's resting face in general (one photo), a second photo of the same person at rest, the person's own resting face as Mien tracked it (a face on screen); none: the embedding reads faces alone",
          },
          crop: { type: 'string', description: 'URL of the face crop (PNG)' },
        },
        required: ['id', 'tags', 'createdAt', 'source', 'box', 'embeddingModel', 'matched', 'rest', 'crop'],
        additionalProperties: false,
      },
      ReferenceList: { type: 'object', properties: { references: { type: 'array', items: ref('Reference') } }, required: ['references'] },
      Identity: {
        type: 'object',
        properties: {
          id: { type: 'integer', minimum: 0 },
          name: { type: ['string', 'null'] },
          firstSeen: { type: 'string', format: 'date-time' },
          lastSeen: { type: 'string', format: 'date-time' },
          faces: { type: 'integer', minimum: 0 },
          accepted: { type: 'integer', minimum: 0 },
          thumbnail: { type: ['string', 'null'], description: 'URL of the thumbnail (JPEG)' },
          appearance: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
        },
        required: ['id', 'name', 'firstSeen', 'lastSeen', 'faces', 'accepted', 'thumbnail', 'appearance'],
        additionalProperties: false,
      },
      IdentityList: { type: 'object', properties: { identities: { type: 'array', items: ref('Identity') } }, required: ['identities'] },
      Event: { oneOf: EVENT_SCHEMA.oneOf },
      EventPage: { type: 'object', properties: { events: { type: 'array', items: ref('Event') }, next: { type: 'integer', description: 'pass as `after` for the next page' } }, required: ['events'] },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { 200: ok(ref('Health')) } } },
    '/readyz': { get: { summary: 'Readiness: models loaded, database open', responses: { 200: ok(ref('Health')), 503: ok(ref('Health'), 'Not ready') } } },
    '/metrics': { get: { summary: 'Prometheus metrics (text exposition format)', responses: { 200: { description: 'OK', content: { 'text/plain': {} } } } } },
    '/api/streams': {
      get: { summary: 'Streams with status and rates', responses: { 200: ok(ref('StreamList')), 503: error("A fleet gateway's NATS server did not answer") } },
      post: {
        summary: 'Add a stream; it is kept, and comes back after a restart until it is removed (a file played once, until it ends)',
        ...guarded,
        requestBody: { required: true, content: { 'application/json': { schema: ref('StreamRequest') } } },
        responses: { 201: ok(ref('Stream'), 'Added'), 400: error('Bad request'), 401: error('No or wrong token'), 403: error('A path outside the media root, or no media root'), 404: error('No such file in the media root'), 409: error('The id is taken; or a WHIP slot asked of a fleet gateway'), 415: error('Not JSON'), 503: error("A fleet gateway's NATS server did not answer") },
      },
    },
    '/api/streams/{id}': {
      get: { summary: 'One stream', parameters: [idParam('id', 'string')], responses: { 200: ok(ref('Stream')), 404: error('No such stream'), 503: error("A fleet gateway's NATS server did not answer") } },
      delete: { summary: 'Stop and remove a stream', ...guarded, parameters: [idParam('id', 'string')], responses: { 204: { description: 'Removed' }, 401: error('No or wrong token'), 404: error('No such stream'), 409: error('Declared in the config file: remove it there'), 503: error("A fleet gateway's NATS server did not answer") } },
    },
    '/api/streams/{id}/preview.jpg': {
      get: { summary: 'The latest analysed frame with faces, people and tags drawn', parameters: [idParam('id', 'string')], responses: { 200: { description: 'JPEG', content: { 'image/jpeg': {} } }, 404: error('No frame yet') } },
    },
    '/api/references': {
      get: { summary: 'Custom expressions', responses: { 200: ok(ref('ReferenceList')) } },
      post: {
        summary: 'Add a custom expression from a picture of one face (the largest face is taken)',
        ...guarded,
        parameters: [
          { name: 'tag', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
          { name: 'threshold', in: 'query', schema: { type: 'number' } },
        ],
        requestBody: {
          required: true,
          description: 'The picture alone, or a form with the picture as `face` and, optionally, a photo of the same person at rest as `rest`',
          content: {
            'image/jpeg': {},
            'image/png': {},
            'image/webp': {},
            'multipart/form-data': { schema: { type: 'object', properties: { face: { type: 'string', format: 'binary' }, rest: { type: 'string', format: 'binary' } }, required: ['face'] } },
          },
        },
        responses: { 201: ok(ref('Reference'), 'Added'), 400: error('No tag, or bad threshold'), 401: error('No or wrong token'), 413: error('Too large'), 415: error('Not a picture'), 422: error('No face in the picture') },
      },
    },
    '/api/references/{id}': {
      delete: { summary: 'Remove a custom expression', ...guarded, parameters: [idParam('id', 'integer')], responses: { 204: { description: 'Removed' }, 401: error('No or wrong token'), 404: error('No such reference') } },
    },
    '/api/references/{id}/crop.png': { get: { summary: 'The face Mien found in the picture', parameters: [idParam('id', 'integer')], responses: { 200: { description: 'PNG', content: { 'image/png': {} } }, 404: error('No such reference') } } },
    '/api/identities': { get: { summary: 'People seen', responses: { 200: ok(ref('IdentityList')) } } },
    '/api/identities/{id}': {
      get: { summary: 'One person', parameters: [idParam('id', 'integer')], responses: { 200: ok(ref('Identity')), 404: error('No such identity') } },
      patch: {
        summary: 'Rename a person',
        ...guarded,
        parameters: [idParam('id', 'integer')],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { name: { type: ['string', 'null'] } }, required: ['name'] } } } },
        responses: { 200: ok(ref('Identity')), 400: error('Bad name'), 401: error('No or wrong token'), 404: error('No such identity') },
      },
    },
    '/api/identities/{id}/merge': {
      post: {
        summary: 'Merge another identity into this one (they are the same person)',
        ...guarded,
        parameters: [idParam('id', 'integer')],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { from: { type: 'integer' } }, required: ['from'] } } } },
        responses: { 200: ok(ref('Identity')), 400: error('Bad request'), 401: error('No or wrong token'), 404: error('No such identity') },
      },
    },
    '/api/identities/{id}/reference': {
      post: {
        summary: "A custom expression from the person's latest face on screen, read against their own resting face",
        ...guarded,
        parameters: [
          idParam('id', 'integer'),
          { name: 'tag', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
          { name: 'threshold', in: 'query', schema: { type: 'number' } },
        ],
        responses: { 201: ok(ref('Reference'), 'Added'), 400: error('No tag, or bad threshold'), 401: error('No or wrong token'), 404: error('No such identity, or no face of theirs on screen lately'), 409: error('The running embedding reads faces alone: add a picture instead') },
      },
    },
    '/api/identities/{id}/thumbnail.jpg': { get: { summary: 'A face of the person', parameters: [idParam('id', 'integer')], responses: { 200: { description: 'JPEG', content: { 'image/jpeg': {} } }, 404: error('No thumbnail') } } },
    '/api/events': {
      get: {
        summary: 'Past events, oldest first, paged',
        parameters: [
          { name: 'stream', in: 'query', schema: { type: 'string' } },
          { name: 'identity', in: 'query', schema: { type: 'integer' } },
          { name: 'tag', in: 'query', schema: { type: 'string' } },
          { name: 'kind', in: 'query', schema: { type: 'array', items: { enum: EVENT_KINDS } }, style: 'form', explode: true },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'after', in: 'query', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { 200: ok(ref('EventPage')), 400: error('Bad query') },
      },
    },
  },
} as const;
