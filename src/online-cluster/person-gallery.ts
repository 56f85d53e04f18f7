import { dot } from '../math/vector.js';

/** A person's kept faces: identity embeddings, L2-normalised. */
export interface PersonFaces {
  readonly person: number;
  readonly faces: readonly Float32Array[];
}

/** Where a gallery keeps its people between runs (SQLite in the server); told of every change. */
export interface GalleryStore {
  save(person: PersonFaces): void;
  remove(person: number): void;
}

export interface PersonGalleryOptions {
  /**
   * Largest cosine distance from a face to one of a person's kept faces at which it is taken for
   * that person: the clustering's eps, so a person is found again where the clustering would have
   * joined the face to their points had they still been in its window.
   */
  readonly matchDistance: number;
  /** Faces kept per person; a new one replaces the oldest. Default 8. */
  readonly facesPerPerson?: number;
  /** A face nearer than this to one already kept adds nothing and is not kept. Default 0.1. */
  readonly minSpread?: number;
  /** The first person id to hand out; ids go on above every known person's too. Default 0. */
  readonly firstPerson?: number;
  /**
   * Hands out person ids instead of counting up from `firstPerson`: a fleet's workers draw them
   * from blocks of their own, so no two workers give one id to two people.
   */
  readonly newPerson?: () => number;
}

/**
 * The people ever seen, each by a few of their faces, beyond any window: the clustering forgets
 * old faces, the gallery lets a person who comes back (later, or after a restart) be the same
 * person. Person ids are handed out in increasing order and never reused.
 */
export class PersonGallery {
  readonly #faces = new Map<number, Float32Array[]>();
  readonly #matchSimilarity: number;
  readonly #facesPerPerson: number;
  readonly #maxSimilarity: number;
  #next: number;
  readonly #newPerson: (() => number) | undefined;

  constructor(
    options: PersonGalleryOptions,
    known: readonly PersonFaces[] = [],
    private readonly store?: GalleryStore,
  ) {
    if (!(options.matchDistance > 0 && options.matchDistance < 2)) throw new TypeError(`matchDistance is a cosine distance in (0, 2), not ${options.matchDistance}`);
    this.#matchSimilarity = 1 - options.matchDistance;
    this.#facesPerPerson = options.facesPerPerson ?? 8;
    this.#maxSimilarity = 1 - (options.minSpread ?? 0.1);
    this.#next = options.firstPerson ?? 0;
    this.#newPerson = options.newPerson;
    for (const { person, faces } of known) {
      this.#faces.set(person, faces.map((f) => f.slice()));
      this.#next = Math.max(this.#next, person + 1);
    }
  }

  /** People with faces kept. */
  get size(): number {
    return this.#faces.size;
  }

  /** The person whose kept face is most similar to `embedding`, if within the match distance. */
  find(embedding: Float32Array): number | undefined {
    let best: number | undefined;
    let bestSimilarity = this.#matchSimilarity;
    for (const [person, faces] of this.#faces) {
      for (const face of faces) {
        const similarity = dot(face, embedding);
        if (similarity >= bestSimilarity) [best, bestSimilarity] = [person, similarity];
      }
    }
    return best;
  }

  /** A person never seen before, with their first face. */
  add(embedding: Float32Array): number {
    const person = this.#newPerson ? this.#newPerson() : this.#next++;
    this.#faces.set(person, [embedding.slice()]);
    this.store?.save({ person, faces: this.#faces.get(person)! });
    return person;
  }

  /** Keeps `embedding` as one of `person`'s faces unless one kept is as good as it. */
  remember(person: number, embedding: Float32Array): void {
    const faces = this.#faces.get(person);
    if (!faces) throw new Error(`no person ${person} in the gallery`);
    if (faces.some((face) => dot(face, embedding) > this.#maxSimilarity)) return;
    faces.push(embedding.slice());
    if (faces.length > this.#facesPerPerson) faces.shift();
    this.store?.save({ person, faces });
  }

  /**
   * A person another gallery keeps (a fleet's other worker saw them): found from now on, their
   * faces as given. Not told to the store, where they came from.
   */
  learn({ person, faces }: PersonFaces): void {
    this.#faces.set(person, faces.map((f) => f.slice()));
  }

  /** A person another gallery let go (merged into someone else there). */
  forget(person: number): void {
    this.#faces.delete(person);
  }

  /** `from` was `into` all along: their faces are one person's, the newest kept. */
  merge(into: number, from: number): void {
    const target = this.#faces.get(into);
    const source = this.#faces.get(from);
    if (!target || !source) throw new Error(`no person ${target ? from : into} in the gallery`);
    target.push(...source);
    target.splice(0, Math.max(0, target.length - this.#facesPerPerson));
    this.#faces.delete(from);
    this.store?.save({ person: into, faces: target });
    this.store?.remove(from);
  }
}
