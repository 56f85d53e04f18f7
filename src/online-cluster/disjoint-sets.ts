/** Union-find over the integers 0 .. size-1. */
export class DisjointSets {
  readonly #parent: Int32Array;

  constructor(size: number) {
    this.#parent = Int32Array.from({ length: size }, (_, i) => i);
  }

  find(x: number): number {
    const parent = this.#parent;
    while (parent[x] !== x) x = parent[x] = parent[parent[x]]; // path halving
    return x;
  }

  /** Joins the sets of `a` and `b` and returns the root of the joined set: the smaller of the two roots. */
  union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.#parent[child] = root;
    return root;
  }
}
