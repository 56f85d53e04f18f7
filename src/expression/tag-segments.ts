import type { ReferenceMatch } from './matching.js';

/** A tag that began or stopped holding for a person. */
export type TagTransition =
  | {
      readonly kind: 'tag-start';
      readonly identity: number;
      readonly tag: string;
      readonly reference: number;
      readonly pts: number;
      readonly distance: number;
      /** How strongly the expression shows at the start, where the embedding can tell. */
      readonly intensity?: number;
    }
  | {
      readonly kind: 'tag-end';
      readonly identity: number;
      readonly tag: string;
      readonly reference: number;
      readonly startPts: number;
      /** The last time the tag held. */
      readonly pts: number;
      readonly distance: number;
      /** The strongest the expression showed during the segment, where the embedding can tell. */
      readonly intensity?: number;
    };

interface OpenSegment {
  readonly reference: number;
  readonly startPts: number;
  lastPts: number;
  distance: number;
  intensity: number | undefined;
}

/**
 * Turns per-frame matches into tag segments: a tag starts for a person on the first frame their
 * pooled embedding matches a reference carrying it, and ends once no such reference has matched
 * for `gap` seconds (so a frame or two of mismatch, or of the face being missed, does not split a
 * smile in two). One segment per (person, tag), whichever references carry the tag.
 */
export class TagSegmenter {
  private readonly open = new Map<number, Map<string, OpenSegment>>();

  constructor(readonly gap = 0.5) {
    if (!(gap >= 0)) throw new TypeError(`gap must be a non-negative number of seconds, got ${gap}`);
  }

  /** One analysed face of `identity` at `pts` with the references it matched (closest first). */
  observe(identity: number, pts: number, matches: readonly ReferenceMatch[]): TagTransition[] {
    const out = this.expire(pts, identity);
    let segments = this.open.get(identity);
    for (const { reference, distance, intensity } of matches) {
      for (const tag of reference.tags) {
        if (!segments) this.open.set(identity, (segments = new Map<string, OpenSegment>()));
        const segment = segments.get(tag);
        if (segment) {
          segment.lastPts = pts;
          segment.distance = Math.min(segment.distance, distance);
          if (intensity !== undefined) segment.intensity = Math.max(segment.intensity ?? 0, intensity);
        } else {
          segments.set(tag, { reference: reference.id, startPts: pts, lastPts: pts, distance, intensity });
          out.push({ kind: 'tag-start', identity, tag, reference: reference.id, pts, distance, ...(intensity !== undefined && { intensity }) });
        }
      }
    }
    return out;
  }

  /** Ends the segments, of every identity, that have not held since `pts - gap`. */
  advance(pts: number): TagTransition[] {
    return this.expire(pts);
  }

  /** Ends every open segment (end of stream). */
  flush(): TagTransition[] {
    return this.expire(Infinity);
  }

  /** Identities `from` became `into`: their segments end now, the survivor's go on. */
  merge(from: readonly number[]): TagTransition[] {
    const out: TagTransition[] = [];
    for (const id of from) {
      for (const [tag, s] of this.open.get(id) ?? []) out.push(end(id, tag, s));
      this.open.delete(id);
    }
    return out;
  }

  private expire(pts: number, only?: number): TagTransition[] {
    const out: TagTransition[] = [];
    for (const [identity, segments] of this.open) {
      if (only !== undefined && identity !== only) continue;
      for (const [tag, s] of segments) {
        if (pts - s.lastPts > this.gap) {
          out.push(end(identity, tag, s));
          segments.delete(tag);
        }
      }
      if (segments.size === 0) this.open.delete(identity);
    }
    return out;
  }
}

function end(identity: number, tag: string, s: OpenSegment): TagTransition {
  return { kind: 'tag-end', identity, tag, reference: s.reference, startPts: s.startPts, pts: s.lastPts, distance: s.distance, ...(s.intensity !== undefined && { intensity: s.intensity }) };
}
