/**
 * The JSON of Mien's HTTP API and WebSocket, as src/server/openapi.ts documents it: the one home
 * of these shapes for the server that sends them and the dashboard that reads them (types only).
 */
import type { MienEvent } from '../events/events.js';
import type { ReferenceRest } from '../expression/reference-face.js';
import type { TestPattern } from '../ingest/test-patterns.js';

export type { StreamInfo, StreamKind, StreamOrigin } from '../runtime/stream-info.js';

/** POST /api/streams, and each entry of the config file's `streams`. */
export type StreamRequestBody =
  | { kind: 'file'; path: string; id?: string; loop?: boolean }
  | { kind: 'still'; path: string; id?: string }
  | { kind: 'rtsp'; url: string; id?: string; transport?: 'tcp' | 'udp'; latencyMs?: number }
  | { kind: 'rtp'; sdp: string; id?: string }
  | { kind: 'test'; pattern?: TestPattern; id?: string }
  | { kind: 'whip'; id?: string };

/** GET /api/references: a custom expression, from a picture of one face. */
export interface ReferenceInfo {
  readonly id: number;
  readonly tags: readonly string[];
  /** The reference's own distance threshold; absent means the embedding's default. */
  readonly threshold?: number;
  readonly createdAt: string;
  /** Where the picture came from ("upload" for an upload without a name). */
  readonly source: string;
  readonly box: readonly [number, number, number, number];
  readonly embeddingModel: string;
  /** Whether the running embedding is `embeddingModel`: a reference made with another is not matched. */
  readonly matched: boolean;
  /**
   * What the face was read against (relative embedding): 'population' (one photo: people's resting
   * face in general), 'rest-photo' (a second photo of the same person at rest), 'own-track' (a face
   * on screen: the person's own resting face as Mien tracked it); 'none' for embeddings that read a
   * face alone.
   */
  readonly rest: ReferenceRest;
  /** URL of the face Mien found in the picture (PNG). */
  readonly crop: string;
}

/** GET /api/identities: a person seen. */
export interface IdentityInfo {
  readonly id: number;
  readonly name: string | null;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly faces: number;
  readonly accepted: number;
  /** URL of a face of theirs (JPEG), once one was accepted. */
  readonly thumbnail: string | null;
  /** Tag -> tagged faces / accepted faces, 0..1. */
  readonly appearance: Readonly<Record<string, number>>;
}

/** GET /api/events: one page, oldest first. */
export interface EventPage {
  readonly events: readonly MienEvent[];
  /** Pass as `after` for the next page; absent on the last. */
  readonly next?: number;
}

/** What the WebSocket at /events sends. */
export type SocketMessage =
  | { readonly type: 'subscribed'; readonly filter: unknown }
  | { readonly type: 'event'; readonly event: MienEvent }
  | { readonly type: 'dropped'; readonly count: number }
  | { readonly type: 'error'; readonly message: string };
