/**
 * Agglomerative clustering with Ward's linkage (minimum increase of within-cluster variance), by the
 * nearest-neighbour chain: O(n^2) time and one condensed n(n-1)/2 distance matrix of memory.
 * Heights follow SciPy's `linkage(method='ward')`: for clusters A and B with centroids a, b,
 * sqrt(2 |A| |B| / (|A| + |B|)) ||a - b||, so two single points merge at their distance.
 */

/** One merge: clusters are 0..n-1 for the points, n + k for the cluster made by merge k. */
export interface WardMerge {
  readonly a: number;
  readonly b: number;
  readonly height: number;
  /** Points in the merged cluster. */
  readonly size: number;
}

/** Index of pair (i, j), i < j, in the condensed upper-triangle matrix of n points. */
const condensed = (n: number, i: number, j: number): number => (i < j ? n * i - (i * (i + 1)) / 2 + j - i - 1 : n * j - (j * (j + 1)) / 2 + i - j - 1);

/** Ward merges of `points`, lowest first (n - 1 of them). */
export function wardLinkage(points: readonly ArrayLike<number>[]): WardMerge[] {
  const n = points.length;
  if (n < 2) return [];
  // Lance-Williams for Ward works on squared distances; heights are their square roots.
  const d = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < points[i].length; k++) s += (points[i][k] - points[j][k]) ** 2;
      d[condensed(n, i, j)] = s;
    }
  }
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  // Merges by matrix slot; SciPy's cluster numbering is applied at the end.
  const merges: { slotA: number; slotB: number; height: number }[] = [];
  const chain: number[] = [];
  while (merges.length < n - 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1];
    const previous = chain.length > 1 ? chain[chain.length - 2] : -1;
    // Nearest active slot to a; ties go to the previous chain element so the chain terminates.
    let b = previous, best = previous >= 0 ? d[condensed(n, a, previous)] : Infinity;
    for (let k = 0; k < n; k++) {
      if (k === a || !active[k]) continue;
      const dk = d[condensed(n, a, k)];
      if (dk < best) {
        best = dk;
        b = k;
      }
    }
    if (b !== previous) {
      chain.push(b);
      continue;
    }
    chain.pop();
    chain.pop();
    // Merge slot a into slot b (b keeps the merged cluster).
    const na = size[a], nb = size[b];
    for (let k = 0; k < n; k++) {
      if (k === a || k === b || !active[k]) continue;
      const nk = size[k];
      d[condensed(n, b, k)] = ((na + nk) * d[condensed(n, a, k)] + (nb + nk) * d[condensed(n, b, k)] - nk * best) / (na + nb + nk);
    }
    active[a] = 0;
    size[b] = na + nb;
    merges.push({ slotA: a, slotB: b, height: Math.sqrt(Math.max(best, 0)) });
  }
  // The chain finds merges out of height order; replay them sorted, naming clusters as SciPy does.
  const order = merges.map((_, i) => i).sort((x, y) => merges[x].height - merges[y].height || x - y);
  const clusterOfSlot = Int32Array.from({ length: n }, (_, i) => i);
  const sizeOfCluster: number[] = new Array<number>(n).fill(1);
  const slotRoot = Int32Array.from({ length: n }, (_, i) => i);
  const root = (s: number): number => (slotRoot[s] === s ? s : (slotRoot[s] = root(slotRoot[s])));
  return order.map((m, k) => {
    const { slotA, slotB, height } = merges[m];
    const ra = root(slotA), rb = root(slotB);
    const [ca, cb] = [clusterOfSlot[ra], clusterOfSlot[rb]].sort((x, y) => x - y);
    slotRoot[ra] = rb;
    clusterOfSlot[rb] = n + k;
    sizeOfCluster.push(sizeOfCluster[ca] + sizeOfCluster[cb]);
    return { a: ca, b: cb, height, size: sizeOfCluster[n + k] };
  });
}

/** Cluster labels 0..k-1 (numbered by first point) for the tree cut into `k` clusters. */
export function cutIntoClusters(merges: readonly WardMerge[], n: number, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`cluster count must be a positive integer, got ${k}`);
  const parent = Int32Array.from({ length: 2 * n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  merges.slice(0, Math.max(0, n - k)).forEach((m, i) => {
    parent[find(m.a)] = n + i;
    parent[find(m.b)] = n + i;
  });
  const labels = new Int32Array(n);
  const named = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!named.has(r)) named.set(r, named.size);
    labels[i] = named.get(r)!;
  }
  return labels;
}

/** For each cluster, the index of its point nearest the cluster's centroid. */
export function clusterRepresentatives(points: readonly ArrayLike<number>[], labels: Int32Array): number[] {
  const k = Math.max(-1, ...labels) + 1;
  const dims = points[0]?.length ?? 0;
  const centroids = Array.from({ length: k }, () => new Float64Array(dims));
  const counts = new Array<number>(k).fill(0);
  points.forEach((p, i) => {
    counts[labels[i]]++;
    for (let j = 0; j < dims; j++) centroids[labels[i]][j] += p[j];
  });
  centroids.forEach((c, l) => c.forEach((_, j) => (c[j] /= counts[l])));
  const best = new Array<number>(k).fill(-1), bestDistance = new Array<number>(k).fill(Infinity);
  points.forEach((p, i) => {
    let s = 0;
    for (let j = 0; j < dims; j++) s += (p[j] - centroids[labels[i]][j]) ** 2;
    if (s < bestDistance[labels[i]]) {
      bestDistance[labels[i]] = s;
      best[labels[i]] = i;
    }
  });
  return best;
}
