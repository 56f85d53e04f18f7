/**
 * The server's JSON, as src/server/openapi.ts describes it: the shapes are the server's own
 * (src/server/api-types.ts), shared as types only: nothing under src/ is bundled.
 */
export type { FaceEvent, IdentityMergedEvent, MienEvent, StreamStatus, StreamStatusEvent, TagEndEvent, TagStartEvent } from '../../../src/events/events.js';
import type { EventKind } from '../../../src/events/events.js';

export type {
  EventPage,
  IdentityInfo as Identity,
  ReferenceInfo as Reference,
  SocketMessage,
  StreamInfo as Stream,
  StreamKind,
  StreamOrigin,
} from '../../../src/server/api-types.js';
import type { ReferenceInfo } from '../../../src/server/api-types.js';

/** What a reference's face was read against: 'none', 'population', 'rest-photo' or 'own-track'. */
export type ReferenceRest = ReferenceInfo['rest'];

export interface EventQuery {
  readonly kinds?: readonly EventKind[];
  /** ISO 8601. */
  readonly from?: string;
  readonly after?: number;
  readonly limit?: number;
}
