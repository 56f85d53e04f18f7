/**
 * What an `IncrementalDbscan` reports. Identities are numbers handed out in increasing order and
 * never reused, so a smaller id is an older identity.
 */

/** A change to the set of identities, returned by the insertion or removal that caused it. */
export type ClusterEvent =
  /** A new cluster formed from points that were noise or new. */
  | { readonly type: 'created'; readonly identity: number }
  /** Clusters became one: `identity` (the oldest of them) lives on, the `absorbed` ids are closed. */
  | { readonly type: 'merged'; readonly identity: number; readonly absorbed: readonly number[] }
  /** Removing points disconnected a cluster: its largest part keeps `identity`, the others get the new ids `into`. */
  | { readonly type: 'split'; readonly identity: number; readonly into: readonly number[] }
  /** A cluster lost its last core point; its id is closed. */
  | { readonly type: 'dissolved'; readonly identity: number };

export interface Insertion {
  /** The new point's id: its insertion number, counting from 0. */
  readonly point: number;
  /** The identity the point belongs to now, or undefined while it is noise. */
  readonly identity: number | undefined;
  /** What changed, in order; those of evicting the oldest point from a full window come first. */
  readonly events: ClusterEvent[];
}

/** DBSCAN's three kinds of point. */
export type PointRole = 'core' | 'border' | 'noise';

export interface PointState {
  readonly point: number;
  /** Undefined for noise. */
  readonly identity: number | undefined;
  readonly role: PointRole;
}

export interface IdentitySummary<Thumbnail> {
  readonly identity: number;
  /** Member faces (core and border points) now in the window. */
  readonly faces: number;
  /** Earliest and latest timestamp of any face ever counted to this identity, including identities merged into it. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The member embedding with the largest summed cosine similarity to the members (a copy). */
  readonly medoid: Float32Array;
  /** The point id of that member, and the thumbnail reference its caller supplied. */
  readonly medoidPoint: number;
  readonly thumbnail: Thumbnail;
}

/** A change to the people seen, as `FaceIdentities` reports it; identities here are person ids. */
export type PersonEvent =
  /** A person never seen before (not in the gallery). */
  | { readonly type: 'created'; readonly identity: number }
  /** People turned out to be one: `identity` (the oldest) lives on, the `absorbed` ids are closed. */
  | { readonly type: 'merged'; readonly identity: number; readonly absorbed: readonly number[] }
  /**
   * A track's faces from `fromPts` to `toPts`, told without a person while its person's cluster had
   * not formed (or its face was noise), are `identity`'s: `faces` of them, `accepted` by FaceQA.
   */
  | { readonly type: 'attributed'; readonly identity: number; readonly track: string; readonly fromPts: number; readonly toPts: number; readonly faces: number; readonly accepted: number };
