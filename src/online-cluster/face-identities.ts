import type { IncrementalDbscan } from './incremental-dbscan.js';
import type { ClusterEvent } from './types.js';

export interface FaceIdentitiesOptions {
  /** A tracked face gets a new identity embedding once its last one is this many seconds old. Default 1. */
  readonly refreshSeconds?: number;
  /** Tracks remembered at most (least recently seen are forgotten first). Default 10000. */
  readonly maxTracks?: number;
}

interface TrackState {
  /** The track's latest point in the clustering. */
  point: number;
  /** When that point was embedded. */
  pts: number;
  /** Its last known identity, for when the point has left the clustering's window. */
  identity: number | undefined;
}

/**
 * Identities of tracked faces. A face track (a face followed from frame to frame, keyed by the
 * caller, e.g. stream and track id) needs an identity embedding only when it is new or its last
 * one is stale; between those, the track's identity is whatever the clustering now says of its
 * latest point, so promotions from noise, merges and splits show up without new embeddings.
 */
export class FaceIdentities<Thumbnail = unknown> {
  private readonly tracks = new Map<string, TrackState>();
  private readonly absorbedInto = new Map<number, number>();
  /** The newest point this class inserted (it is the clustering's only writer). */
  private newestPoint = -1;
  private readonly refreshSeconds: number;
  private readonly maxTracks: number;

  constructor(
    readonly clustering: IncrementalDbscan<Thumbnail>,
    options: FaceIdentitiesOptions = {},
  ) {
    this.refreshSeconds = options.refreshSeconds ?? 1;
    this.maxTracks = options.maxTracks ?? 10_000;
  }

  needsEmbedding(track: string, pts: number): boolean {
    const state = this.tracks.get(track);
    return !state || Math.abs(pts - state.pts) >= this.refreshSeconds;
  }

  /** Adds a track's new identity embedding to the clustering; returns what changed. */
  add(track: string, pts: number, embedding: Float32Array, thumbnail: Thumbnail): ClusterEvent[] {
    const { point, identity, events } = this.clustering.insert(embedding, pts, thumbnail);
    this.newestPoint = point;
    for (const event of events) {
      if (event.type === 'merged') for (const id of event.absorbed) this.absorbedInto.set(id, event.identity);
    }
    this.tracks.delete(track);
    this.tracks.set(track, { point, pts, identity });
    if (this.tracks.size > this.maxTracks) this.tracks.delete(this.tracks.keys().next().value!);
    return events;
  }

  /** Forgets the tracks whose keys start with `prefix` (one stream's); their points stay in the clustering. */
  forgetTracks(prefix: string): void {
    for (const track of [...this.tracks.keys()]) if (track.startsWith(prefix)) this.tracks.delete(track);
  }

  /** Tracks remembered whose keys start with `prefix`. */
  trackCount(prefix = ''): number {
    return [...this.tracks.keys()].filter((track) => track.startsWith(prefix)).length;
  }

  /** The track's identity now, or undefined while its face is noise (or it was never embedded). */
  identityOf(track: string): number | undefined {
    const state = this.tracks.get(track);
    if (!state) return undefined;
    const inWindow = state.point > this.newestPoint - this.clustering.size;
    const now = inWindow ? this.clustering.identityOf(state.point) : state.identity;
    state.identity = now;
    return now === undefined ? undefined : this.resolve(now);
  }

  /** Follows merges to the identity an absorbed one lives on as. */
  private resolve(identity: number): number {
    let id = identity;
    for (let next = this.absorbedInto.get(id); next !== undefined; next = this.absorbedInto.get(id)) id = next;
    return id;
  }
}
