import type { IncrementalDbscan } from './incremental-dbscan.js';
import { PersonGallery } from './person-gallery.js';
import type { ClusterEvent, PersonEvent } from './types.js';

export interface FaceIdentitiesOptions {
  /** A tracked face gets a new identity embedding once its last one is this many seconds old. Default 1. */
  readonly refreshSeconds?: number;
  /** Tracks remembered at most (least recently seen are forgotten first). Default 10000. */
  readonly maxTracks?: number;
  /** A person's face is offered to the gallery at most this often (media seconds). Default 5. */
  readonly gallerySeconds?: number;
}

/** A track's faces told without a person, so far. */
interface Unattributed {
  readonly fromPts: number;
  toPts: number;
  faces: number;
  accepted: number;
}

interface TrackState {
  /** The track's latest point in the clustering. */
  point: number;
  /** When that point was embedded. */
  pts: number;
  /** Its last known person, for when the point has left the clustering's window. */
  person: number | undefined;
}

/**
 * People of tracked faces. A face track (a face followed from frame to frame, keyed by the
 * caller, e.g. stream and track id) needs an identity embedding only when it is new or its last
 * one is stale; between those, the track's person is whatever the clustering now says of its
 * latest point, so promotions from noise, merges and splits show up without new embeddings.
 *
 * The clustering's identities live as long as its window; people live in the gallery. A cluster
 * that forms is looked up there: near a known person's kept faces it is that person again (seen
 * earlier, or before a restart), else a new person. Clusters that merge merge their people.
 *
 * A track's first faces come before its person's cluster forms (DBSCAN needs minPts faces): they
 * are told without a person, and attributed to them once the track has one.
 */
export class FaceIdentities<Thumbnail = unknown> {
  private readonly tracks = new Map<string, TrackState>();
  /** Tracks whose latest faces have no person yet. */
  private readonly unattributed = new Map<string, Unattributed>();
  /** Each open cluster's person. */
  private readonly personOfCluster = new Map<number, number>();
  private readonly absorbedInto = new Map<number, number>();
  /** When each person last gave the gallery a face. */
  private readonly offeredAt = new Map<number, number>();
  /** The newest point this class inserted (it is the clustering's only writer). */
  private newestPoint = -1;
  private readonly refreshSeconds: number;
  private readonly maxTracks: number;
  private readonly gallerySeconds: number;

  constructor(
    readonly clustering: IncrementalDbscan<Thumbnail>,
    options: FaceIdentitiesOptions = {},
    readonly gallery = new PersonGallery({ matchDistance: clustering.eps }),
  ) {
    this.refreshSeconds = options.refreshSeconds ?? 1;
    this.maxTracks = options.maxTracks ?? 10_000;
    this.gallerySeconds = options.gallerySeconds ?? 5;
  }

  needsEmbedding(track: string, pts: number): boolean {
    const state = this.tracks.get(track);
    return !state || Math.abs(pts - state.pts) >= this.refreshSeconds;
  }

  /** Adds a track's new identity embedding to the clustering; returns what changed among people. */
  add(track: string, pts: number, embedding: Float32Array, thumbnail: Thumbnail): PersonEvent[] {
    const { point, identity, events } = this.clustering.insert(embedding, pts, thumbnail);
    this.newestPoint = point;
    const changes = this.follow(events);
    const person = identity === undefined ? undefined : this.personOf(identity);
    if (person !== undefined) this.offer(person, pts, embedding);
    this.tracks.delete(track);
    this.tracks.set(track, { point, pts, person });
    if (this.tracks.size > this.maxTracks) this.tracks.delete(this.tracks.keys().next().value!);
    return changes;
  }

  /** Forgets the tracks whose keys start with `prefix` (one stream's); their points stay in the clustering. */
  forgetTracks(prefix: string): void {
    for (const map of [this.tracks, this.unattributed]) for (const track of [...map.keys()]) if (track.startsWith(prefix)) map.delete(track);
  }

  /** Tracks remembered whose keys start with `prefix`. */
  trackCount(prefix = ''): number {
    return new Set([...this.tracks.keys(), ...this.unattributed.keys()].filter((track) => track.startsWith(prefix))).size;
  }

  /**
   * The person of a track's face at `pts`, as `identityOf` says, for a face about to be told. A
   * face told without one is remembered with its track; the first face of that track told with a
   * person brings their attribution (once).
   */
  identify(track: string, pts: number, accepted: boolean): { identity: number | undefined; attributed?: PersonEvent } {
    const identity = this.identityOf(track);
    const waiting = this.unattributed.get(track);
    if (identity === undefined) {
      if (waiting) {
        waiting.toPts = pts;
        waiting.faces++;
        waiting.accepted += accepted ? 1 : 0;
      } else {
        this.unattributed.set(track, { fromPts: pts, toPts: pts, faces: 1, accepted: accepted ? 1 : 0 });
        if (this.unattributed.size > this.maxTracks) this.unattributed.delete(this.unattributed.keys().next().value!);
      }
      return { identity };
    }
    if (!waiting) return { identity };
    this.unattributed.delete(track);
    return { identity, attributed: { type: 'attributed', identity, track, ...waiting } };
  }

  /** The track's person now, or undefined while its face is noise (or it was never embedded). */
  identityOf(track: string): number | undefined {
    const state = this.tracks.get(track);
    if (!state) return undefined;
    const inWindow = state.point > this.newestPoint - this.clustering.size;
    if (inWindow) {
      const cluster = this.clustering.identityOf(state.point);
      state.person = cluster === undefined ? undefined : this.personOf(cluster);
    }
    return state.person === undefined ? undefined : this.resolve(state.person);
  }

  /** The clustering's changes as changes among people. */
  private follow(events: readonly ClusterEvent[]): PersonEvent[] {
    const changes: PersonEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'created':
          changes.push(...this.place(event.identity));
          break;
        case 'split':
          for (const cluster of event.into) changes.push(...this.place(cluster));
          break;
        case 'merged': {
          const people = [...new Set([event.identity, ...event.absorbed].flatMap((c) => this.personOf(c) ?? []))].sort((a, b) => a - b);
          for (const cluster of event.absorbed) this.personOfCluster.delete(cluster);
          // Clusters that formed and merged within one insertion have no person yet.
          if (people.length === 0) {
            changes.push(...this.place(event.identity));
            break;
          }
          const [oldest, ...others] = people;
          this.personOfCluster.set(event.identity, oldest);
          for (const other of others) {
            this.gallery.merge(oldest, other);
            this.absorbedInto.set(other, oldest);
            this.offeredAt.delete(other);
          }
          if (others.length > 0) changes.push({ type: 'merged', identity: oldest, absorbed: others });
          break;
        }
        case 'dissolved':
          this.personOfCluster.delete(event.identity);
          break;
      }
    }
    return changes;
  }

  /** A cluster that formed is a person from the gallery, or a new one. */
  private place(cluster: number): PersonEvent[] {
    // Gone already (merged later in the same insertion): the merge places what it became.
    const medoid = this.clustering.identity(cluster)?.medoid;
    if (medoid === undefined) return [];
    const known = this.gallery.find(medoid);
    if (known !== undefined) {
      this.personOfCluster.set(cluster, this.resolve(known));
      return [];
    }
    const person = this.gallery.add(medoid);
    this.personOfCluster.set(cluster, person);
    return [{ type: 'created', identity: person }];
  }

  /** The person of an open cluster. */
  private personOf(cluster: number): number | undefined {
    const person = this.personOfCluster.get(cluster);
    return person === undefined ? undefined : this.resolve(person);
  }

  /** Now and then a face of a person joins their kept faces, so the gallery follows how they look on screen. */
  private offer(person: number, pts: number, embedding: Float32Array): void {
    const last = this.offeredAt.get(person);
    if (last !== undefined && Math.abs(pts - last) < this.gallerySeconds) return;
    this.offeredAt.set(person, pts);
    this.gallery.remember(person, embedding);
  }

  /** Follows merges to the person an absorbed one lives on as. */
  private resolve(person: number): number {
    let id = person;
    for (let next = this.absorbedInto.get(id); next !== undefined; next = this.absorbedInto.get(id)) id = next;
    return id;
  }
}
