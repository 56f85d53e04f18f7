/** Where a fleet keeps what it shares in JetStream: one name per thing, read by every role. */
export const FLEET = {
  /** KV: the streams the fleet should run, by stream id: each one's StreamRequest as JSON. */
  streamsBucket: 'mien-streams',
  /** KV: which worker runs each stream; an entry not renewed within the lease time expires. */
  leasesBucket: 'mien-leases',
  /** KV: the fleet's custom expressions (`ref.ID`) and the counter that hands out their ids. */
  referencesBucket: 'mien-references',
  /** Object store: each custom expression's face crop (`ref.ID`), PNG, for gateways to show. */
  referenceCropsBucket: 'mien-reference-crops',
  /** KV: the fleet's people (`person.ID`: their kept identity faces) and the blocks their ids come from. */
  peopleBucket: 'mien-people',
  /** JetStream stream of every event, one subject per Mien stream so each stream's order holds. */
  eventStream: 'MIEN_EVENTS',
  eventSubjects: 'mien.events.>',
} as const;

/**
 * A stream id as one subject token and KV key. Ids are `[\w.-]{1,64}`, and a dot would split the
 * token (and may not start or end a key): it becomes `=2E`, which no id contains, so it reads back.
 */
export function idToken(stream: string): string {
  return stream.replaceAll('.', '=2E');
}

export function idFromToken(token: string): string {
  return token.replaceAll('=2E', '.');
}

export const eventSubject = (stream: string): string => `mien.events.${idToken(stream)}`;
