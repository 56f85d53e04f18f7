/**
 * Inserts per second into a full IncrementalDbscan window of 1k, 10k and 100k 512-d faces (each
 * insertion also evicts the oldest face), with the default WebAssembly SIMD scan against the same
 * brute-force scan in plain JavaScript as the baseline. Run: npx tsx bench/online-cluster.ts
 */
import { l2Normalise } from '../src/math/vector.js';
import { IncrementalDbscan, WasmSimilarityScan, type Neighbourhood, type SimilarityScan, type SimilarityScanFactory } from '../src/online-cluster/index.js';
import { seededRandom } from '../src/math/seeded-random.js';
import { randomUnit } from '../test/online-cluster/embeddings.js';

const DIMENSION = 512;
const EPS = 0.5;
const MIN_PTS = 3;
const FACES_PER_PERSON = 200;
const SIZES = [1_000, 10_000, 100_000];
/** Rounds of inserting, alternating between the scans compared, and how long each lasts. */
const ROUNDS = 5;
const ROUND_MS = 1_000;

/** The baseline: brute force over one contiguous Float32Array, a plain loop of multiply-adds per row. */
class JsSimilarityScan implements SimilarityScan {
  readonly #rows: Float32Array;

  constructor(
    readonly capacity: number,
    readonly dimension: number,
  ) {
    this.#rows = new Float32Array(capacity * dimension);
  }

  write(slot: number, vector: Float32Array): void {
    this.#rows.set(vector, slot * this.dimension);
  }

  row(slot: number): Float32Array {
    return this.#rows.subarray(slot * this.dimension, (slot + 1) * this.dimension);
  }

  within(query: Float32Array, first: number, count: number, minSimilarity: number): Neighbourhood {
    const slots: number[] = [];
    const similarities: number[] = [];
    for (let k = 0; k < count; k++) {
      const slot = (first + k) % this.capacity;
      const similarity = this.#dot(query, slot);
      if (similarity < minSimilarity) continue;
      slots.push(slot);
      similarities.push(similarity);
    }
    return { slots: Int32Array.from(slots), similarities: Float32Array.from(similarities) };
  }

  dots(query: Float32Array, slots: Int32Array): Float32Array {
    return Float32Array.from(slots, (slot) => this.#dot(query, slot));
  }

  #dot(query: Float32Array, slot: number): number {
    const rows = this.#rows;
    const offset = slot * this.dimension;
    let sum = 0;
    for (let i = 0; i < this.dimension; i++) sum += query[i] * rows[offset + i];
    return sum;
  }
}

/**
 * Filling a window of 100k faces one by one costs O(n^2) dot products (minutes). The bench fills it
 * person by person and, while filling, scans only the current person's slots: the same clustering,
 * since faces of different people are never neighbours (checked after the fill). Then every scan
 * covers the whole window, as in live use.
 */
class PersonByPersonFill implements SimilarityScan {
  /** First slot of the person being filled in, or undefined once the window is full. */
  personStart: number | undefined = 0;

  constructor(readonly inner: SimilarityScan) {}

  get capacity(): number {
    return this.inner.capacity;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  write(slot: number, vector: Float32Array): void {
    this.inner.write(slot, vector);
  }

  row(slot: number): Float32Array {
    return this.inner.row(slot);
  }

  within(query: Float32Array, first: number, count: number, minSimilarity: number): Neighbourhood {
    if (this.personStart === undefined) return this.inner.within(query, first, count, minSimilarity);
    return this.inner.within(query, this.personStart, first + count - this.personStart, minSimilarity);
  }

  dots(query: Float32Array, slots: Int32Array): Float32Array {
    return this.inner.dots(query, slots);
  }
}

/** Faces of made-up people: a random direction each, faces at cosine 0.6 to 0.93 from it, so same-person similarities spread around 0.6. */
class FaceStream {
  readonly #random = seededRandom(2024);
  readonly #people: Float32Array[];

  constructor(people: number) {
    this.#people = Array.from({ length: people }, () => Float32Array.from(randomUnit(this.#random, DIMENSION)));
  }

  face(person: number): Float32Array {
    const noise = randomUnit(this.#random, DIMENSION);
    const strength = 0.8 + 1.7 * this.#random();
    return l2Normalise(this.#people[person].map((x, i) => strength * x + noise[i]));
  }
}

/** A full window of `size` faces behind one scan, ready to take more faces. */
class FullWindow {
  readonly dbscan: IncrementalDbscan;
  readonly scan: PersonByPersonFill;
  /** Neighbours of sampled faces that belong to other people: must be 0 for the fill to be exact. */
  readonly crossPersonNeighbours: number;
  bestScanMs = Infinity;
  bestInsertsPerSecond = 0;
  #inserted = 0;
  readonly #stream: FaceStream;
  readonly #people: number;
  readonly #random = seededRandom(7);

  constructor(
    readonly size: number,
    makeScan: SimilarityScanFactory,
  ) {
    const people = (this.#people = size / FACES_PER_PERSON);
    const stream = (this.#stream = new FaceStream(people));
    this.scan = new PersonByPersonFill(makeScan(size, DIMENSION));
    this.dbscan = new IncrementalDbscan({ dimension: DIMENSION, eps: EPS, minPts: MIN_PTS, capacity: size, scan: () => this.scan });
    for (let person = 0; person < people; person++) {
      this.scan.personStart = person * FACES_PER_PERSON;
      for (let face = 0; face < FACES_PER_PERSON; face++) this.dbscan.insert(stream.face(person), 0, undefined);
    }
    this.scan.personStart = undefined;
    this.crossPersonNeighbours = this.#crossPersonNeighbours(10);
  }

  /** Scans the whole window from a few faces, keeping the best time. */
  timeFullScans(samples: number): void {
    for (let k = 0; k < samples; k++) {
      const start = performance.now();
      this.scan.within(this.scan.row(Math.floor((k * this.size) / samples)), 0, this.size, 1 - EPS);
      this.bestScanMs = Math.min(this.bestScanMs, performance.now() - start);
    }
  }

  /** Right after the fill, when slot s holds a face of person s / FACES_PER_PERSON. */
  #crossPersonNeighbours(samples: number): number {
    let count = 0;
    for (let k = 0; k < samples; k++) {
      const slot = Math.floor((k * this.size) / samples);
      const person = Math.floor(slot / FACES_PER_PERSON);
      for (const s of this.scan.within(this.scan.row(slot), 0, this.size, 1 - EPS).slots) if (Math.floor(s / FACES_PER_PERSON) !== person) count++;
    }
    return count;
  }

  /** Inserts new faces of random people for `ms` of insertion time (at least twice), keeping the best rate seen. */
  timeInserts(ms: number): void {
    let inserts = 0;
    let spent = 0;
    for (; inserts < 2 || spent < ms; inserts++) {
      const face = this.#stream.face(Math.floor(this.#random() * this.#people));
      const start = performance.now();
      this.dbscan.insert(face, this.#inserted++, undefined);
      spent += performance.now() - start;
    }
    this.bestInsertsPerSecond = Math.max(this.bestInsertsPerSecond, (inserts * 1000) / spent);
  }
}

const scans: [string, SimilarityScanFactory][] = [
  ['js', (n, d) => new JsSimilarityScan(n, d)],
  ['wasm-simd', (n, d) => new WasmSimilarityScan(n, d)],
];

console.log(`IncrementalDbscan, ${DIMENSION}-d, eps ${EPS}, minPts ${MIN_PTS}, ${FACES_PER_PERSON} faces a person; full window, each insert evicts the oldest.`);
console.log(`Best of ${ROUNDS} alternating rounds of ${ROUND_MS} ms per scan, so that load from other processes hits both alike.`);
console.log(['points', ...scans.flatMap(([name]) => [`${name} scan ms`, `${name} inserts/s`]), 'inserts/s ratio', 'cross-person neighbours'].join('\t'));
for (const size of SIZES) {
  const windows = scans.map(([, makeScan]) => new FullWindow(size, makeScan));
  for (let round = 0; round < ROUNDS; round++) {
    for (const window of windows) {
      window.timeFullScans(3);
      window.timeInserts(ROUND_MS);
    }
  }
  const [baseline, candidate] = windows;
  console.log(
    [
      size,
      ...windows.flatMap((w) => [w.bestScanMs.toFixed(2), w.bestInsertsPerSecond.toFixed(0)]),
      `${(candidate.bestInsertsPerSecond / baseline.bestInsertsPerSecond).toFixed(1)}x`,
      windows.map((w) => w.crossPersonNeighbours).join('/'),
    ].join('\t'),
  );
}
