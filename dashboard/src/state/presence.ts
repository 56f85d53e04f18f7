import type { MienEvent } from '../api/api-types.js';

/** A person in the latest frames of a stream. */
export interface OnScreenPerson {
  readonly identity: number;
  /** The most probable FER class of their latest face. */
  readonly expression?: string;
  /** Custom expressions their latest face matched. */
  readonly tags: readonly string[];
  /** Server time of their latest face, ms since the epoch. */
  readonly seenMs: number;
}

/** People whose latest face is older than this, against the stream's latest face, have left the picture. */
const ON_SCREEN_WITHIN_MS = 2_000;

/**
 * Who is on each stream's picture now, from face events. Measured against each stream's own
 * latest face, so it agrees with the stream's preview (the latest analysed frame) whatever this
 * browser's clock says.
 */
export class Presence {
  /** stream -> identity -> their latest face. */
  private readonly streams = new Map<string, Map<number, OnScreenPerson>>();

  apply(events: readonly MienEvent[]): void {
    for (const event of events) {
      if (event.kind === 'face' && event.identity !== null) {
        let people = this.streams.get(event.stream);
        if (!people) this.streams.set(event.stream, (people = new Map<number, OnScreenPerson>()));
        people.set(event.identity, { identity: event.identity, tags: event.tags ?? [], seenMs: Date.parse(event.wallTime), ...(event.expression && { expression: event.expression }) });
      } else if (event.kind === 'identity-merged') {
        for (const people of this.streams.values()) for (const from of event.merged) people.delete(from);
      } else if (event.kind === 'stream-status' && event.status !== 'playing') {
        this.streams.delete(event.stream);
      }
    }
  }

  /** The people on a stream's picture, by identity. */
  onScreen(stream: string): OnScreenPerson[] {
    const people = [...(this.streams.get(stream)?.values() ?? [])];
    const latest = Math.max(...people.map((p) => p.seenMs));
    return people.filter((p) => latest - p.seenMs <= ON_SCREEN_WITHIN_MS).sort((a, b) => a.identity - b.identity);
  }
}
