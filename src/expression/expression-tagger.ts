import { AppearanceTally } from './appearance.js';
import { matchReferences, type ExpressionReference, type IntensityMeasure, type ReferenceMatch } from './matching.js';
import { MedianPool } from './median-pool.js';
import { TagSegmenter, type TagTransition } from './tag-segments.js';

export interface ExpressionTaggerOptions {
  /** Frames in the per-identity median filter. Default 3 (the paper's). */
  readonly poolSize?: number;
  /** Seconds without a match before a tag segment ends. Default 0.5. */
  readonly gap?: number;
  /** Distance threshold for references without their own. */
  readonly defaultThreshold: number;
  /** How strongly a match shows its reference's expression, where the embedding can tell. */
  readonly intensity?: IntensityMeasure;
}

/** One analysed face, in time order within its stream. */
export interface ObservedFace {
  readonly stream: string;
  readonly pts: number;
  readonly identity: number;
  readonly accepted: boolean;
  /** The face's expression embedding; present for faces FaceQA accepted. */
  readonly embedding?: Float32Array;
}

/**
 * Custom-expression tagging, per stream (each has its own clock) and per person: the 3-frame median
 * of the person's expression embeddings is matched against the references; matches become tag
 * segments, and every face counts towards the person's appearance rates.
 */
export class ExpressionTagger {
  private readonly pools = new Map<string, MedianPool>();
  private readonly segmenters = new Map<string, TagSegmenter>();
  readonly appearance = new AppearanceTally();

  constructor(
    private readonly references: () => readonly ExpressionReference[],
    readonly options: ExpressionTaggerOptions,
  ) {}

  /** Records a face; returns the tag transitions of its stream up to its time. */
  observe(face: ObservedFace): { matches: ReferenceMatch[]; transitions: TagTransition[] } {
    const segmenter = this.segmenter(face.stream);
    if (!face.accepted || !face.embedding) {
      this.appearance.record(face.identity, false);
      return { matches: [], transitions: segmenter.advance(face.pts) };
    }
    const pooled = this.pool(face.stream).push(face.identity, face.embedding);
    const matches = matchReferences(pooled, this.references(), this.options.defaultThreshold, this.options.intensity);
    this.appearance.record(face.identity, true, matches.flatMap((m) => m.reference.tags));
    return { matches, transitions: segmenter.observe(face.identity, face.pts, matches) };
  }

  /** Ends the segments of `stream` that have lapsed by `pts` (a frame without the person, say). */
  advance(stream: string, pts: number): TagTransition[] {
    return this.segmenter(stream).advance(pts);
  }

  /** Identities `from` became `into`: their open segments end, their counts and frames move over. */
  merge(from: readonly number[], into: number): { stream: string; transitions: TagTransition[] }[] {
    this.appearance.merge(from, into);
    for (const pool of this.pools.values()) pool.merge(from, into);
    return [...this.segmenters].map(([stream, s]) => ({ stream, transitions: s.merge(from) }));
  }

  /** Ends every open segment of `stream` and forgets the stream (its pooling windows, its segments). */
  endStream(stream: string): TagTransition[] {
    const transitions = this.segmenters.get(stream)?.flush() ?? [];
    this.segmenters.delete(stream);
    this.pools.delete(stream);
    return transitions;
  }

  /** Streams this tagger holds state for. */
  get streams(): number {
    return new Set([...this.pools.keys(), ...this.segmenters.keys()]).size;
  }

  private pool(stream: string): MedianPool {
    let pool = this.pools.get(stream);
    if (!pool) this.pools.set(stream, (pool = new MedianPool(this.options.poolSize ?? 3)));
    return pool;
  }

  private segmenter(stream: string): TagSegmenter {
    let s = this.segmenters.get(stream);
    if (!s) this.segmenters.set(stream, (s = new TagSegmenter(this.options.gap ?? 0.5)));
    return s;
  }
}
