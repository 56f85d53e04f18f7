/**
 * Textbook DBSCAN (Ester et al. 1996) over a given neighbour relation: the reference the
 * incremental clustering must agree with. Border points join the first cluster that reaches them.
 */
export interface BatchClustering {
  readonly core: boolean[];
  /** Cluster index per point, -1 for noise. */
  readonly cluster: number[];
}

export function batchDbscan(count: number, isNeighbour: (i: number, j: number) => boolean, minPts: number): BatchClustering {
  const neighbours: number[][] = [];
  for (let i = 0; i < count; i++) {
    neighbours.push([]);
    for (let j = 0; j < count; j++) if (j === i || isNeighbour(i, j)) neighbours[i].push(j);
  }
  const core = neighbours.map((n) => n.length >= minPts);
  const cluster = new Array<number>(count).fill(-1);
  let clusters = 0;
  for (let start = 0; start < count; start++) {
    if (!core[start] || cluster[start] !== -1) continue;
    const id = clusters++;
    cluster[start] = id;
    const stack = [start];
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      for (const q of neighbours[p]) {
        if (cluster[q] !== -1) continue;
        cluster[q] = id;
        if (core[q]) stack.push(q);
      }
    }
  }
  return { core, cluster };
}
