import { EVENT_KINDS, type EventKind, type MienEvent } from '../events/events.js';
import { FilterError } from './errors.js';

/** What a WebSocket subscriber asked for; an absent list lets everything through. */
export interface SubscriberFilter {
  readonly streams?: readonly string[];
  readonly identities?: readonly number[];
  readonly tags?: readonly string[];
  readonly kinds?: readonly EventKind[];
}

/** Reads a subscribe message: `{"type": "subscribe", "streams"?, "identities"?, "tags"?, "kinds"?}`. */
export function parseSubscribe(message: unknown): SubscriberFilter {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) throw new FilterError('a message must be a JSON object');
  const m = message as Record<string, unknown>;
  if (m.type !== 'subscribe') throw new FilterError(`unknown message type ${JSON.stringify(m.type)}; expected "subscribe"`);
  const unknown = Object.keys(m).filter((k) => !['type', 'streams', 'identities', 'tags', 'kinds'].includes(k));
  if (unknown.length) throw new FilterError(`unknown field(s): ${unknown.join(', ')}`);
  const list = <T>(name: string, ok: (v: unknown) => v is T): T[] | undefined => {
    const v = m[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length > 1000 || !v.every(ok)) throw new FilterError(`${name} must be a list of at most 1000 ${name === 'identities' ? 'integers' : 'strings'}`);
    return v;
  };
  const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
  const kinds = list('kinds', isString);
  const bad = kinds?.filter((k) => !EVENT_KINDS.includes(k as EventKind));
  if (bad?.length) throw new FilterError(`unknown event kind(s): ${bad.join(', ')}; known: ${EVENT_KINDS.join(', ')}`);
  return {
    ...(list('streams', isString) && { streams: m.streams as string[] }),
    ...(list('identities', (v): v is number => Number.isInteger(v)) && { identities: m.identities as number[] }),
    ...(list('tags', isString) && { tags: m.tags as string[] }),
    ...(kinds && { kinds: kinds as EventKind[] }),
  };
}

export function passes(filter: SubscriberFilter, event: MienEvent): boolean {
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.streams && !filter.streams.includes(event.stream)) return false;
  if (filter.identities) {
    const id = 'identity' in event ? event.identity : null;
    if (typeof id !== 'number' || !filter.identities.includes(id)) return false;
  }
  if (filter.tags) {
    const tags = event.kind === 'tag-start' || event.kind === 'tag-end' ? [event.tag] : event.kind === 'face' ? (event.tags ?? []) : [];
    if (!tags.some((t) => filter.tags!.includes(t))) return false;
  }
  return true;
}
