import { expect } from 'vitest';
import { dot } from '../../src/math/vector.js';
import { IncrementalDbscan } from '../../src/online-cluster/index.js';
import { batchDbscan, type BatchClustering } from './batch-dbscan.js';

export type Step = 'insert' | 'remove';

/** Cosine similarities of every pair, in double precision. */
export function similarityMatrix(vectors: Float32Array[]): Float64Array[] {
  return vectors.map((a) => Float64Array.from(vectors, (b) => dot(a, b)));
}

/** Whether some pair lies so close to the eps boundary that float rounding could put it either side. */
export function hasBorderlinePair(similarity: Float64Array[], eps: number): boolean {
  return similarity.some((row, i) => row.some((s, j) => i !== j && Math.abs(s - (1 - eps)) < 1e-6));
}

/**
 * Replays `steps` (point i is `vectors[i]`, seen at time i, with thumbnail i) and after every step
 * checks the window against batch DBSCAN on the points it holds, and every identity summary.
 */
export function replayAgainstBatch(vectors: Float32Array[], steps: Step[], options: { eps: number; minPts: number; capacity: number }): void {
  const dbscan = new IncrementalDbscan<number>({ dimension: vectors[0].length, ...options });
  const similarity = similarityMatrix(vectors);
  const window: number[] = [];
  let next = 0;
  for (const step of steps) {
    if (step === 'remove') {
      dbscan.removeOldest();
      window.shift();
    } else if (next < vectors.length) {
      if (window.length === options.capacity) window.shift();
      dbscan.insert(vectors[next], next, next);
      window.push(next++);
    }
    const batch = batchDbscan(window.length, (i, j) => similarity[window[i]][window[j]] >= 1 - options.eps, options.minPts);
    // One expectation a step: thousands of runs stay fast.
    expect(observed(dbscan, window, similarity, options.eps)).toEqual(expected(window, batch));
  }
}

interface WindowFacts {
  readonly points: number[];
  readonly core: boolean[];
  readonly noise: boolean[];
  /** The cluster of each core point, renamed in order of first appearance (undefined for the others). */
  readonly coreClusters: (number | undefined)[];
  readonly misplacedBorders: number[];
  readonly wrongSummaries: number[];
}

/** Renames labels in order of first appearance, so that two labellings equal up to renaming become equal. */
function canonical(labels: (number | undefined)[]): (number | undefined)[] {
  const names = new Map<number, number>();
  return labels.map((l) => (l === undefined ? undefined : (names.get(l) ?? names.set(l, names.size).size - 1)));
}

/**
 * The partition equality DBSCAN allows: the same core points with the same clusters up to
 * relabelling, the same noise, and each border point in a cluster of one of its core neighbours.
 */
function expected(window: number[], batch: BatchClustering): WindowFacts {
  return {
    points: window,
    core: batch.core,
    noise: batch.cluster.map((c) => c === -1),
    coreClusters: canonical(batch.cluster.map((c, i) => (batch.core[i] ? c : undefined))),
    misplacedBorders: [],
    wrongSummaries: [],
  };
}

function observed(dbscan: IncrementalDbscan<number>, window: number[], similarity: Float64Array[], eps: number): WindowFacts {
  const states = dbscan.points();
  const sim = (i: number, j: number) => similarity[window[i]][window[j]];
  // IncrementalDbscan puts a border point with its most similar core neighbour (up to float rounding).
  const misplacedBorders = states.flatMap((s, i) => {
    if (s.role !== 'border') return [];
    const cores = states.map((_, j) => j).filter((j) => j !== i && states[j].role === 'core' && sim(i, j) >= 1 - eps);
    const best = Math.max(...cores.map((j) => sim(i, j)));
    return cores.some((j) => sim(i, j) >= best - 1e-6 && states[j].identity === s.identity) ? [] : [s.point];
  });
  return {
    points: states.map((s) => s.point),
    core: states.map((s) => s.role === 'core'),
    noise: states.map((s) => s.role === 'noise'),
    coreClusters: canonical(states.map((s) => (s.role === 'core' ? s.identity : undefined))),
    misplacedBorders,
    wrongSummaries: wrongSummaries(dbscan, similarity),
  };
}

/**
 * Identities whose summary disagrees with their members (timestamp = thumbnail = point): the
 * identities listed must be exactly those of the points, faces their count, the seen times must
 * cover the members', and the medoid must be a member with the largest summed similarity.
 */
function wrongSummaries(dbscan: IncrementalDbscan<number>, similarity: Float64Array[]): number[] {
  const members = new Map<number, number[]>();
  for (const { point, identity } of dbscan.points()) if (identity !== undefined) members.set(identity, [...(members.get(identity) ?? []), point]);
  const summaries = dbscan.identities();
  const unlisted = [...members.keys()].filter((id) => !summaries.some((s) => s.identity === id));
  const wrong = summaries.filter((summary) => {
    const points = members.get(summary.identity) ?? [];
    const score = (p: number) => points.reduce((sum, q) => sum + similarity[p][q], 0);
    return !(
      summary.faces === points.length &&
      summary.firstSeen <= Math.min(...points) &&
      summary.lastSeen >= Math.max(...points) &&
      summary.thumbnail === summary.medoidPoint &&
      points.includes(summary.medoidPoint) &&
      score(summary.medoidPoint) >= Math.max(...points.map(score)) - 1e-4
    );
  });
  return [...unlisted, ...wrong.map((s) => s.identity)];
}
