import { DisjointSets } from './disjoint-sets.js';
import { IdentityLedger, type IdentityRecord } from './identity-ledger.js';
import type { Neighbourhood, SimilarityScan, SimilarityScanFactory } from './similarity-scan.js';
import type { ClusterEvent, IdentitySummary, Insertion, PointRole, PointState } from './types.js';
import { WasmSimilarityScan } from './wasm-similarity-scan.js';

export interface IncrementalDbscanOptions {
  /** Length of the embeddings. */
  readonly dimension: number;
  /** Largest cosine distance (1 - cosine similarity) at which two points are neighbours; in (0, 2). */
  readonly eps: number;
  /** Neighbours, the point itself included, that make a point a core point (DBSCAN's MinPts). */
  readonly minPts: number;
  /** Points kept: inserting into a full window first removes the oldest point. */
  readonly capacity: number;
  /** Where the points are stored and searched. Default: the exact WebAssembly SIMD scan. */
  readonly scan?: SimilarityScanFactory;
  /** The first identity id to hand out, so a restarted process continues the ids of the last. Default 0. */
  readonly firstIdentity?: number;
}

const NOISE = -1;
const NO_CORE = -1;
/** How far from 1 an embedding's length may be: float rounding, not unnormalised input. */
const UNIT_TOLERANCE = 1e-3;

/**
 * DBSCAN kept up to date point by point (Ester et al. 1998, "Incremental clustering for mining in a
 * data warehousing environment") over a sliding window of L2-normalised embeddings, with cosine
 * distance. After every call the clustering is the one batch DBSCAN gives on the points in the
 * window, with each border point in the cluster of its most similar core neighbour (the older one
 * on ties). Clusters are identities: see `ClusterEvent` for how their ids live on. docs/online-cluster.md
 * has the design and its measurements.
 */
export class IncrementalDbscan<Thumbnail = unknown> {
  readonly dimension: number;
  readonly eps: number;
  readonly minPts: number;
  readonly capacity: number;
  readonly #scan: SimilarityScan;
  /** 1 - eps, rounded as the scan compares it. */
  readonly #minSimilarity: number;
  readonly #ledger: IdentityLedger;
  // Points are numbered by insertion; point n lives in slot n % capacity while n is in [#oldest, #next).
  #oldest = 0;
  #next = 0;
  // Per slot:
  readonly #neighbourCount: Int32Array; // the point itself included
  readonly #identity: Int32Array; // NOISE for noise
  readonly #nearestCore: Int32Array; // for non-core points: the core neighbour whose cluster they join, or NO_CORE
  readonly #nearestSimilarity: Float32Array;
  readonly #timestamps: Float64Array;
  readonly #thumbnails: Thumbnail[] = [];
  /** Slot of each identity's medoid, while its members stay the same. */
  readonly #medoids = new Map<number, number>();
  // Visited marks: a slot is marked when #mark[slot] equals the current stamp.
  readonly #mark: Int32Array;
  #stamp = 0;

  constructor(options: IncrementalDbscanOptions) {
    const { dimension, eps, minPts, capacity } = options;
    if (!Number.isInteger(dimension) || dimension < 1) throw new TypeError(`dimension must be a positive integer, not ${dimension}`);
    if (!(eps > 0 && eps < 2)) throw new TypeError(`eps is a cosine distance in (0, 2), not ${eps}`);
    if (!Number.isInteger(minPts) || minPts < 1) throw new TypeError(`minPts must be a positive integer, not ${minPts}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`capacity must be a positive integer, not ${capacity}`);
    this.dimension = dimension;
    this.eps = eps;
    this.minPts = minPts;
    this.capacity = capacity;
    this.#ledger = new IdentityLedger(options.firstIdentity);
    this.#scan = (options.scan ?? ((n, d) => new WasmSimilarityScan(n, d)))(capacity, dimension);
    this.#minSimilarity = Math.fround(1 - eps);
    this.#neighbourCount = new Int32Array(capacity);
    this.#identity = new Int32Array(capacity).fill(NOISE);
    this.#nearestCore = new Int32Array(capacity).fill(NO_CORE);
    this.#nearestSimilarity = new Float32Array(capacity);
    this.#timestamps = new Float64Array(capacity);
    this.#mark = new Int32Array(capacity);
  }

  /** Points in the window. */
  get size(): number {
    return this.#next - this.#oldest;
  }

  /**
   * Adds a face: `embedding` is L2-normalised, `timestamp` says when it was seen, `thumbnail` is
   * whatever the caller uses to find its picture again. A full window first removes its oldest point.
   */
  insert(embedding: Float32Array, timestamp: number, thumbnail: Thumbnail): Insertion {
    this.#checkEmbedding(embedding);
    const events = this.size === this.capacity ? this.removeOldest() : [];
    const point = this.#next++;
    const p = point % this.capacity;
    this.#scan.write(p, embedding);
    this.#timestamps[p] = timestamp;
    this.#thumbnails[p] = thumbnail;
    this.#identity[p] = NOISE;
    this.#nearestCore[p] = NO_CORE;

    const hood = this.#neighbours(p);
    const newCores: number[] = [];
    this.#neighbourCount[p] = 1;
    for (const q of hood.slots) {
      if (q === p) continue;
      this.#neighbourCount[p]++;
      if (++this.#neighbourCount[q] === this.minPts) newCores.push(q);
    }
    if (this.#isCore(p)) newCores.push(p);
    const hoods = newCores.map((c) => (c === p ? hood : this.#neighbours(c)));
    this.#connect(newCores, hoods, events);
    newCores.forEach((c, i) => this.#offerToNonCoreNeighbours(c, hoods[i]));
    if (!this.#isCore(p)) this.#adoptNearestCore(p, hood);
    return { point, identity: this.identityOf(point), events };
  }

  /** Forgets the oldest point (a window bounded by time, say, calls this); returns what changed. */
  removeOldest(): ClusterEvent[] {
    if (this.size === 0) return [];
    const o = this.#oldest % this.capacity;
    const hood = this.#neighbours(o);
    const demoted: number[] = []; // neighbours that o's removal leaves one short of minPts
    for (const q of hood.slots) if (q !== o && this.#neighbourCount[q]-- === this.minPts) demoted.push(q);
    const lost = this.#isCore(o) ? [o, ...demoted] : demoted; // the points that stop being core points
    const affected = [...new Set(lost.map((d) => this.#identity[d]))].sort((a, b) => a - b);
    this.#setIdentity(o, NOISE);
    this.#oldest++;
    if (lost.length === 0) return [];

    const demotedHoods = demoted.map((d) => this.#neighbours(d));
    const lostHoods = lost[0] === o ? [hood, ...demotedHoods] : demotedHoods;
    this.#repairNearestCores(lost, demoted, demotedHoods);
    const events: ClusterEvent[] = [];
    for (const identity of affected) {
      const seeds = this.#coreNeighboursIn(identity, lostHoods);
      const parts = seeds.length > 1 ? this.#partsAfterLoss(identity, seeds) : undefined;
      if (parts) this.#split(identity, parts, events);
    }
    this.#syncNonCoreIdentities();
    for (const identity of affected) {
      if (this.#ledger.get(identity)?.faces !== 0) continue;
      this.#ledger.close(identity);
      this.#medoids.delete(identity);
      events.push({ type: 'dissolved', identity });
    }
    return events;
  }

  /** The identity of `point` now, or undefined when it is noise or no longer in the window. */
  identityOf(point: number): number | undefined {
    if (point < this.#oldest || point >= this.#next) return undefined;
    const identity = this.#identity[point % this.capacity];
    return identity === NOISE ? undefined : identity;
  }

  /** Every point in the window, oldest first. */
  points(): PointState[] {
    const states: PointState[] = [];
    for (let point = this.#oldest; point < this.#next; point++) {
      const slot = point % this.capacity;
      const identity = this.#identity[slot];
      const role: PointRole = this.#isCore(slot) ? 'core' : identity === NOISE ? 'noise' : 'border';
      states.push({ point, identity: identity === NOISE ? undefined : identity, role });
    }
    return states;
  }

  /** The summary of identity `id`, or undefined once it is closed (merged into another, dissolved). */
  identity(id: number): IdentitySummary<Thumbnail> | undefined {
    const record = this.#ledger.get(id);
    return record && this.#summarise(id, record);
  }

  /** Summaries of the identities with points in the window, oldest identity first. */
  identities(): IdentitySummary<Thumbnail>[] {
    return this.#ledger.records().map(([id, record]) => this.#summarise(id, record));
  }

  #summarise(id: number, record: Readonly<IdentityRecord>): IdentitySummary<Thumbnail> {
    const medoid = this.#medoidOf(id);
    return {
      identity: id,
      faces: record.faces,
      firstSeen: record.firstSeen,
      lastSeen: record.lastSeen,
      medoid: this.#scan.row(medoid).slice(),
      medoidPoint: this.#pointIn(medoid),
      thumbnail: this.#thumbnails[medoid],
    };
  }

  #checkEmbedding(embedding: Float32Array): void {
    if (embedding.length !== this.dimension) throw new TypeError(`expected an embedding of ${this.dimension} values, got ${embedding.length}`);
    let sum = 0;
    for (let i = 0; i < embedding.length; i++) sum += embedding[i] * embedding[i];
    if (!(Math.abs(Math.sqrt(sum) - 1) <= UNIT_TOLERANCE)) throw new TypeError(`embeddings must be L2-normalised; this one has length ${Math.sqrt(sum)}`);
  }

  #isCore(slot: number): boolean {
    return this.#neighbourCount[slot] >= this.minPts;
  }

  /** The point living in `slot`. */
  #pointIn(slot: number): number {
    return this.#oldest + ((slot - (this.#oldest % this.capacity) + this.capacity) % this.capacity);
  }

  /** Points in the window within eps of the one in `slot` (itself included), oldest first. */
  #neighbours(slot: number): Neighbourhood {
    return this.#scan.within(this.#scan.row(slot), this.#oldest % this.capacity, this.size, this.#minSimilarity);
  }

  #setIdentity(slot: number, identity: number): void {
    const old = this.#identity[slot];
    if (old === identity) return;
    if (old !== NOISE) {
      this.#ledger.leave(old);
      this.#medoids.delete(old);
    }
    if (identity !== NOISE) {
      this.#ledger.join(identity, this.#timestamps[slot]);
      this.#medoids.delete(identity);
    }
    this.#identity[slot] = identity;
  }

  /**
   * Gives the points that just became core points their clusters: each group of them that is
   * density-connected, directly or through existing clusters, joins the oldest cluster it touches
   * (merging the others into it) or founds a new one.
   */
  #connect(newCores: number[], hoods: Neighbourhood[], events: ClusterEvent[]): void {
    if (newCores.length === 0) return;
    // Union-find nodes: new core i is node i, the j-th existing cluster touched is node k + j.
    const k = newCores.length;
    const indexOf = new Map(newCores.map((c, i) => [c, i]));
    const touched: number[] = [];
    const links: number[] = [];
    newCores.forEach((c, i) => {
      for (const x of hoods[i].slots) {
        if (x === c || !this.#isCore(x)) continue;
        const j = indexOf.get(x);
        if (j !== undefined) {
          links.push(i, j);
          continue;
        }
        let t = touched.indexOf(this.#identity[x]);
        if (t < 0) t = touched.push(this.#identity[x]) - 1;
        links.push(i, k + t);
      }
    });
    const sets = new DisjointSets(k + touched.length);
    for (let i = 0; i < links.length; i += 2) sets.union(links[i], links[i + 1]);

    const identityOfRoot = new Map<number, number>();
    newCores.forEach((c, i) => {
      const root = sets.find(i);
      let identity = identityOfRoot.get(root);
      if (identity === undefined) {
        identity = this.#identityForGroup(touched.filter((_, t) => sets.find(k + t) === root), events);
        identityOfRoot.set(root, identity);
      }
      this.#setIdentity(c, identity);
    });
  }

  /** The identity a newly connected group takes, given the existing clusters it touches. */
  #identityForGroup(clusters: number[], events: ClusterEvent[]): number {
    if (clusters.length === 0) {
      const identity = this.#ledger.open();
      events.push({ type: 'created', identity });
      return identity;
    }
    const [identity, ...absorbed] = clusters.sort((a, b) => a - b);
    if (absorbed.length === 0) return identity;
    this.#forEachPoint((slot) => {
      if (absorbed.includes(this.#identity[slot])) this.#setIdentity(slot, identity);
    });
    for (const id of absorbed) {
      this.#ledger.absorb(identity, id);
      this.#medoids.delete(id);
    }
    events.push({ type: 'merged', identity, absorbed });
    return identity;
  }

  /** A new core point may be the most similar core neighbour of the non-core points around it. */
  #offerToNonCoreNeighbours(core: number, hood: Neighbourhood): void {
    hood.slots.forEach((x, i) => {
      if (x === core || this.#isCore(x)) return;
      const similarity = hood.similarities[i];
      const current = this.#nearestCore[x];
      const nearer =
        current === NO_CORE ||
        similarity > this.#nearestSimilarity[x] ||
        (similarity === this.#nearestSimilarity[x] && this.#pointIn(core) < this.#pointIn(current));
      if (!nearer) return;
      this.#nearestCore[x] = core;
      this.#nearestSimilarity[x] = similarity;
      this.#setIdentity(x, this.#identity[core]);
    });
  }

  /** Points the non-core point in `slot` at its most similar core neighbour (the oldest on ties), if any. */
  #adoptNearestCore(slot: number, hood: Neighbourhood): void {
    let nearest = NO_CORE;
    let best = -Infinity;
    hood.slots.forEach((x, i) => {
      if (x !== slot && this.#isCore(x) && hood.similarities[i] > best) {
        nearest = x;
        best = hood.similarities[i];
      }
    });
    this.#nearestCore[slot] = nearest;
    this.#nearestSimilarity[slot] = best;
    this.#setIdentity(slot, nearest === NO_CORE ? NOISE : this.#identity[nearest]);
  }

  /**
   * After the `lost` points stopped being core points (the removed one among them, perhaps): the
   * `demoted` ones, and the non-core points whose nearest core was lost, find their nearest core again.
   */
  #repairNearestCores(lost: number[], demoted: number[], demotedHoods: Neighbourhood[]): void {
    const stamp = ++this.#stamp;
    for (const d of lost) this.#mark[d] = stamp;
    demoted.forEach((d, i) => this.#adoptNearestCore(d, demotedHoods[i]));
    this.#forEachPoint((slot) => {
      const core = this.#nearestCore[slot];
      if (this.#mark[slot] !== stamp && !this.#isCore(slot) && core !== NO_CORE && this.#mark[core] === stamp) {
        this.#adoptNearestCore(slot, this.#neighbours(slot));
      }
    });
  }

  /** The core points of `identity` that are neighbours of the lost points, without repeats. */
  #coreNeighboursIn(identity: number, lostHoods: Neighbourhood[]): number[] {
    const stamp = ++this.#stamp;
    const seeds: number[] = [];
    for (const { slots } of lostHoods) {
      for (const x of slots) {
        if (this.#mark[x] === stamp || !this.#isCore(x) || this.#identity[x] !== identity) continue;
        this.#mark[x] = stamp;
        seeds.push(x);
      }
    }
    return seeds;
  }

  /**
   * The connected parts of the core points of `identity` after some of its core points were lost,
   * or undefined when it is still one cluster. `seeds`, the surviving core neighbours of the lost
   * points, lie in every part, so the question is only whether they are still connected.
   */
  #partsAfterLoss(identity: number, seeds: number[]): number[][] | undefined {
    if (this.#seedsLinkDirectly(seeds)) return undefined;
    return this.#searchParts(identity, seeds);
  }

  /**
   * Whether the seeds are connected through edges between seeds alone, as they usually are in a
   * dense cluster: dot products among seeds, given up once they cost as much as one full scan.
   */
  #seedsLinkDirectly(seeds: number[]): boolean {
    let pending = seeds.slice(1);
    const frontier = [seeds[0]];
    let budget = this.size;
    while (pending.length > 0 && frontier.length > 0 && budget >= pending.length) {
      budget -= pending.length;
      const similarities = this.#scan.dots(this.#scan.row(frontier.pop() as number), Int32Array.from(pending));
      const unreached: number[] = [];
      pending.forEach((x, i) => (similarities[i] >= this.#minSimilarity ? frontier : unreached).push(x));
      pending = unreached;
    }
    return pending.length === 0;
  }

  /**
   * Breadth-first searches from every seed at once, always growing the smallest unfinished search
   * and joining searches that meet, until one search holds every seed (still connected) or at most
   * one is unfinished: then the finished ones are whole parts and the rest of the cluster is the
   * last part. The cost is thus bounded by the parts split off, not by the part that stays.
   */
  #searchParts(identity: number, seeds: number[]): number[][] | undefined {
    const stamp = ++this.#stamp;
    const searchOf = new Map<number, number>(); // visited slot -> the search that reached it first
    const sets = new DisjointSets(seeds.length);
    const members = seeds.map((s) => [s]);
    const frontiers = seeds.map((s) => [s]);
    seeds.forEach((s, i) => {
      this.#mark[s] = stamp;
      searchOf.set(s, i);
    });
    for (;;) {
      const roots = [...new Set(seeds.map((_, i) => sets.find(i)))];
      if (roots.length === 1) return undefined;
      const unfinished = roots.filter((r) => frontiers[r].length > 0);
      if (unfinished.length <= 1) break;
      let search = unfinished.reduce((a, b) => (members[b].length < members[a].length ? b : a));
      const x = frontiers[search].pop() as number;
      for (const y of this.#neighbours(x).slots) {
        if (y === x || !this.#isCore(y) || this.#identity[y] !== identity) continue;
        if (this.#mark[y] !== stamp) {
          this.#mark[y] = stamp;
          searchOf.set(y, search);
          members[search].push(y);
          frontiers[search].push(y);
          continue;
        }
        const other = sets.find(searchOf.get(y) as number);
        if (other === search) continue;
        const root = sets.union(search, other);
        const gone = root === search ? other : search;
        for (const m of members[gone]) members[root].push(m);
        for (const f of frontiers[gone]) frontiers[root].push(f);
        members[gone] = [];
        frontiers[gone] = [];
        search = root;
      }
    }
    const roots = [...new Set(seeds.map((_, i) => sets.find(i)))];
    const parts = roots.filter((r) => frontiers[r].length === 0).map((r) => members[r]);
    const partStamp = ++this.#stamp;
    for (const part of parts) for (const s of part) this.#mark[s] = partStamp;
    const rest: number[] = [];
    this.#forEachPoint((slot) => {
      if (this.#isCore(slot) && this.#identity[slot] === identity && this.#mark[slot] !== partStamp) rest.push(slot);
    });
    if (rest.length > 0) parts.push(rest);
    return parts;
  }

  /** The largest part keeps the identity (the one with the oldest point on ties); the others get new ids, oldest part first. */
  #split(identity: number, parts: number[][], events: ClusterEvent[]): void {
    const oldest = (part: number[]) => part.reduce((min, s) => Math.min(min, this.#pointIn(s)), Infinity);
    const ranked = parts
      .map((part) => ({ part, oldest: oldest(part) }))
      .sort((a, b) => b.part.length - a.part.length || a.oldest - b.oldest);
    const into = ranked
      .slice(1)
      .sort((a, b) => a.oldest - b.oldest)
      .map(({ part }) => {
        const id = this.#ledger.open();
        for (const s of part) this.#setIdentity(s, id);
        return id;
      });
    events.push({ type: 'split', identity, into });
  }

  /** Every non-core point takes the identity of its nearest core (or is noise). */
  #syncNonCoreIdentities(): void {
    this.#forEachPoint((slot) => {
      if (this.#isCore(slot)) return;
      const core = this.#nearestCore[slot];
      this.#setIdentity(slot, core === NO_CORE ? NOISE : this.#identity[core]);
    });
  }

  /** The member with the largest summed similarity to all members: the largest dot with their sum. */
  #medoidOf(identity: number): number {
    const cached = this.#medoids.get(identity);
    if (cached !== undefined) return cached;
    const members: number[] = [];
    this.#forEachPoint((slot) => {
      if (this.#identity[slot] === identity) members.push(slot);
    });
    const sum = new Float64Array(this.dimension);
    for (const m of members) {
      const row = this.#scan.row(m);
      for (let i = 0; i < sum.length; i++) sum[i] += row[i];
    }
    const scores = this.#scan.dots(Float32Array.from(sum), Int32Array.from(members));
    let best = 0;
    scores.forEach((score, i) => {
      if (score > scores[best]) best = i;
    });
    const medoid = members[best];
    this.#medoids.set(identity, medoid);
    return medoid;
  }

  /** Calls `visit` with the slot of every point in the window, oldest first. */
  #forEachPoint(visit: (slot: number) => void): void {
    for (let point = this.#oldest; point < this.#next; point++) visit(point % this.capacity);
  }
}
