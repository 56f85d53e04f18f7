import type { MienEvent } from '../api/api-types.js';

/** One stretch of time a tag held for a person on a stream. Times are the server's, ms since the epoch. */
export interface TagSegment {
  readonly identity: number;
  readonly stream: string;
  readonly tag: string;
  readonly startMs: number;
  /** The last frame it held so far. */
  readonly endMs: number;
  /** True until its tag-end comes (or its stream stops). */
  readonly open: boolean;
  /** The closest the person came to the reference, as a distance. */
  readonly distance: number;
  /**
   * How strongly the expression showed, 1 as strongly as the reference face: at its start while
   * open, the strongest during it once ended. Absent where the embedding reads faces alone.
   */
  readonly intensity?: number;
}

/** One person's segments on one stream, oldest first. */
export interface TimelineRow {
  readonly stream: string;
  readonly segments: readonly TagSegment[];
}

/** A segment as kept here: changeable, with the start pts the tagger names it by, and whether its start time came from its own tag-start. */
type TrackedSegment = { -readonly [K in keyof TagSegment]: TagSegment[K] } & { readonly startPts: number; exactStart: boolean };

/** An open segment whose person was last seen with the tag longer ago than this no longer shows as current. */
const CURRENT_WITHIN_MS = 3_000;
/** Timestamps start again when the server restarts: a segment with the same start pts is the same one only if it started within this of it. */
const SAME_RUN_MS = 60_000;

/**
 * Tag segments per person and stream, built from tag-start / tag-end events (live or from the
 * history, in any order and more than once), face events (which stretch open segments), merges
 * and stream ends.
 */
export class TagTimelines {
  private readonly byIdentity = new Map<number, TrackedSegment[]>();
  private readonly rowCache = new Map<number, readonly TimelineRow[]>();

  apply(events: readonly MienEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case 'tag-start': {
          const wallMs = Date.parse(event.wallTime);
          const known = this.find(event.identity, event.stream, event.tag, event.pts, wallMs);
          if (!known) {
            this.segments(event.identity).push({
              identity: event.identity,
              stream: event.stream,
              tag: event.tag,
              startPts: event.pts,
              exactStart: true,
              startMs: wallMs,
              endMs: wallMs,
              open: true,
              distance: event.distance,
              intensity: event.intensity,
            });
          } else if (!known.exactStart) {
            // Its tag-end came first, with only an estimate of when it started (and the strongest intensity, which it keeps).
            known.endMs += wallMs - known.startMs;
            known.startMs = wallMs;
            known.exactStart = true;
            known.intensity ??= event.intensity;
          }
          this.rowCache.delete(event.identity);
          break;
        }
        case 'tag-end': {
          const heldMs = (event.pts - event.startPts) * 1000;
          const wallMs = Date.parse(event.wallTime);
          const known = this.find(event.identity, event.stream, event.tag, event.startPts, wallMs - heldMs);
          if (known) {
            Object.assign(known, { endMs: known.startMs + heldMs, open: false, distance: event.distance, intensity: event.intensity ?? known.intensity });
          } else {
            this.segments(event.identity).push({
              identity: event.identity,
              stream: event.stream,
              tag: event.tag,
              startPts: event.startPts,
              exactStart: false,
              startMs: wallMs - heldMs,
              endMs: wallMs,
              open: false,
              distance: event.distance,
              intensity: event.intensity,
            });
          }
          this.rowCache.delete(event.identity);
          break;
        }
        case 'face':
          if (event.identity !== null && event.tags?.length) this.stretch(event.identity, event.stream, event.tags, Date.parse(event.wallTime));
          break;
        case 'identity-merged':
          for (const from of event.merged) this.merge(from, event.identity);
          break;
        case 'stream-status':
          if (event.status === 'ended' || event.status === 'stopped' || event.status === 'failed') this.closeStream(event.stream);
          break;
        case 'identity-created':
        case 'identity-attributed':
          break;
      }
    }
  }

  /** A person's segments per stream, streams by name; the same array until something of theirs changes. */
  rows(identity: number): readonly TimelineRow[] {
    let rows = this.rowCache.get(identity);
    if (!rows) {
      const byStream = new Map<string, TagSegment[]>();
      for (const segment of this.byIdentity.get(identity) ?? []) {
        const list = byStream.get(segment.stream) ?? [];
        list.push(publicSegment(segment));
        byStream.set(segment.stream, list);
      }
      rows = [...byStream]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([stream, segments]) => ({ stream, segments: segments.sort((a, b) => a.startMs - b.startMs) }));
      this.rowCache.set(identity, rows);
    }
    return rows;
  }

  /** The tags holding for a person at `nowMs`, by name. */
  currentTags(identity: number, nowMs: number): string[] {
    const tags = new Set<string>();
    for (const s of this.byIdentity.get(identity) ?? []) if (s.open && nowMs - s.endMs <= CURRENT_WITHIN_MS) tags.add(s.tag);
    return [...tags].sort();
  }

  /** Forgets segments that ended before `beforeMs`. */
  prune(beforeMs: number): void {
    for (const [identity, segments] of this.byIdentity) {
      const kept = segments.filter((s) => s.endMs >= beforeMs);
      if (kept.length === segments.length) continue;
      this.rowCache.delete(identity);
      if (kept.length === 0) this.byIdentity.delete(identity);
      else this.byIdentity.set(identity, kept);
    }
  }

  private segments(identity: number): TrackedSegment[] {
    let segments = this.byIdentity.get(identity);
    if (!segments) this.byIdentity.set(identity, (segments = []));
    return segments;
  }

  private find(identity: number, stream: string, tag: string, startPts: number, startMs: number): TrackedSegment | undefined {
    return this.byIdentity.get(identity)?.find((s) => s.stream === stream && s.tag === tag && s.startPts === startPts && Math.abs(s.startMs - startMs) < SAME_RUN_MS);
  }

  private stretch(identity: number, stream: string, tags: readonly string[], wallMs: number): void {
    for (const s of this.byIdentity.get(identity) ?? []) {
      if (!s.open || s.stream !== stream || !tags.includes(s.tag) || wallMs <= s.endMs) continue;
      s.endMs = wallMs;
      this.rowCache.delete(identity);
    }
  }

  private merge(from: number, into: number): void {
    const absorbed = this.byIdentity.get(from);
    if (!absorbed) return;
    this.segments(into).push(...absorbed.map((s) => ({ ...s, identity: into })));
    this.byIdentity.delete(from);
    this.rowCache.delete(from);
    this.rowCache.delete(into);
  }

  private closeStream(stream: string): void {
    for (const [identity, segments] of this.byIdentity) {
      for (const s of segments) {
        if (!s.open || s.stream !== stream) continue;
        s.open = false;
        this.rowCache.delete(identity);
      }
    }
  }
}

function publicSegment({ identity, stream, tag, startMs, endMs, open, distance, intensity }: TrackedSegment): TagSegment {
  return { identity, stream, tag, startMs, endMs, open, distance, ...(intensity !== undefined && { intensity }) };
}
