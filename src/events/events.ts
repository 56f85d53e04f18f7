/**
 * Mien's events: the one home of their types and JSON Schema. Everything that produces events
 * (operators), stores them (SQLite) or delivers them (WebSocket, JSONL files) uses these.
 *
 * Common fields every consumer can rely on: `kind`, `stream`, `pts` (seconds of the frame's
 * presentation timestamp), `wallTime` (ISO 8601, when the frame arrived).
 */

export type Box = [number, number, number, number];

interface EventBase {
  /**
   * Set on events that came through a fleet's event log (docs/scale-out.md): `stream:epoch:n`,
   * unique across the fleet, so a consumer given one twice (a redelivery) can tell.
   */
  id?: string;
  /** The stream the frame came from. */
  stream: string;
  /** Presentation timestamp of the frame, seconds. */
  pts: number;
  /** When the frame arrived, ISO 8601 UTC. */
  wallTime: string;
}

/** A face seen in a frame, with its FaceQA verdict. */
export interface FaceEvent extends EventBase {
  kind: 'face';
  /** The person, or null while clustering leaves the face as noise (an identity-attributed event may name them later). */
  identity: number | null;
  /**
   * The face's track in its stream: the same number for the same face in consecutive frames.
   * Absent only on faces stored by versions before it was added.
   */
  track?: number;
  box: Box;
  accepted: boolean;
  /** Why FaceQA rejected it ('blur', 'yaw'); empty when accepted. */
  reasons: string[];
  sharpness: number;
  yaw: number;
  /** The most probable FER class, when the face was analysed. */
  expression?: string;
  /** Tags of the custom expressions its person's pooled embedding matched at this frame. */
  tags?: string[];
}

/** A tag starts holding for a person: their pooled embedding came within the reference's threshold. */
export interface TagStartEvent extends EventBase {
  kind: 'tag-start';
  identity: number;
  tag: string;
  reference: number;
  /** Distance from the pooled embedding to the reference. */
  distance: number;
  /**
   * How strongly the expression shows: the person's deviation from their resting face along the
   * reference's, 1 as strong as the reference face (relative embedding only).
   */
  intensity?: number;
}

/** A tag stops holding; `pts` is the last frame it held, `startPts` the first. */
export interface TagEndEvent extends EventBase {
  kind: 'tag-end';
  identity: number;
  tag: string;
  reference: number;
  startPts: number;
  /** The closest the person came to the reference during the segment. */
  distance: number;
  /** The strongest the expression showed during the segment (relative embedding only; see TagStartEvent). */
  intensity?: number;
  /** Why the segment was cut short when it did not end by itself: its stream ended, was removed, failed, or the server stopped. */
  reason?: string;
}

export interface IdentityCreatedEvent extends EventBase {
  kind: 'identity-created';
  identity: number;
}

/**
 * The faces of track `track` of the stream from `fromPts` to `toPts`, told with identity null
 * before their person's cluster formed, are `identity`'s: `faces` of them, `accepted` by FaceQA.
 */
export interface IdentityAttributedEvent extends EventBase {
  kind: 'identity-attributed';
  identity: number;
  track: number;
  fromPts: number;
  toPts: number;
  faces: number;
  accepted: number;
}

/** Identities `merged` turned out to be one person and continue as `identity` (the oldest). */
export interface IdentityMergedEvent extends EventBase {
  kind: 'identity-merged';
  identity: number;
  merged: number[];
}

export type StreamStatus = 'connecting' | 'playing' | 'stalled' | 'reconnecting' | 'stopped' | 'ended' | 'failed';

export interface StreamStatusEvent extends EventBase {
  kind: 'stream-status';
  status: StreamStatus;
  reason?: string;
}

export type MienEvent = FaceEvent | TagStartEvent | TagEndEvent | IdentityCreatedEvent | IdentityAttributedEvent | IdentityMergedEvent | StreamStatusEvent;
export type EventKind = MienEvent['kind'];

export const EVENT_KINDS: readonly EventKind[] = ['face', 'tag-start', 'tag-end', 'identity-created', 'identity-attributed', 'identity-merged', 'stream-status'];
export const STREAM_STATUSES: readonly StreamStatus[] = ['connecting', 'playing', 'stalled', 'reconnecting', 'stopped', 'ended', 'failed'];

const common = {
  id: { type: 'string', minLength: 1, maxLength: 200 },
  stream: { type: 'string', minLength: 1 },
  pts: { type: 'number', minimum: 0 },
  wallTime: { type: 'string', format: 'date-time' },
} as const;
const identity = { type: 'integer', minimum: 0 } as const;
const referenceId = { type: 'integer', minimum: 1 } as const;

function variant(kind: EventKind, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    properties: { kind: { const: kind }, ...common, ...properties },
    required: ['kind', 'stream', 'pts', 'wallTime', ...required],
    additionalProperties: false,
  };
}

/** JSON Schema (draft 2020-12) of every event. */
export const EVENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mien.dev/schemas/event.json',
  title: 'Mien event',
  oneOf: [
    variant(
      'face',
      {
        identity: { oneOf: [identity, { type: 'null' }] },
        track: { type: 'integer', minimum: 0 },
        box: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
        accepted: { type: 'boolean' },
        reasons: { type: 'array', items: { type: 'string' } },
        sharpness: { type: 'number' },
        yaw: { type: 'number' },
        expression: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      ['identity', 'box', 'accepted', 'reasons', 'sharpness', 'yaw'],
    ),
    variant('tag-start', { identity, tag: { type: 'string', minLength: 1 }, reference: referenceId, distance: { type: 'number', minimum: 0 }, intensity: { type: 'number', minimum: 0 } }, [
      'identity',
      'tag',
      'reference',
      'distance',
    ]),
    variant(
      'tag-end',
      {
        identity,
        tag: { type: 'string', minLength: 1 },
        reference: referenceId,
        startPts: { type: 'number', minimum: 0 },
        distance: { type: 'number', minimum: 0 },
        intensity: { type: 'number', minimum: 0 },
        reason: { type: 'string', minLength: 1 },
      },
      ['identity', 'tag', 'reference', 'startPts', 'distance'],
    ),
    variant('identity-created', { identity }, ['identity']),
    variant(
      'identity-attributed',
      { identity, track: { type: 'integer', minimum: 0 }, fromPts: { type: 'number', minimum: 0 }, toPts: { type: 'number', minimum: 0 }, faces: { type: 'integer', minimum: 1 }, accepted: { type: 'integer', minimum: 0 } },
      ['identity', 'track', 'fromPts', 'toPts', 'faces', 'accepted'],
    ),
    variant('identity-merged', { identity, merged: { type: 'array', items: identity, minItems: 1 } }, ['identity', 'merged']),
    variant('stream-status', { status: { enum: STREAM_STATUSES }, reason: { type: 'string' } }, ['status']),
  ],
} as const;
