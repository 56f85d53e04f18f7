import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { GalleryStore, PersonFaces, PersonGallery } from '../online-cluster/person-gallery.js';
import { FLEET } from './fleet-names.js';
import { takeNumbers } from './kv-counter.js';
import { liveEntries } from './kv-entries.js';

/** Person ids a worker takes at once; the next block is taken when half of one is used. */
const BLOCK = 10_000;
const NEXT_BLOCK = 'next-block';
const personKey = (person: number) => `person.${person}`;

/** A person's kept faces as the bucket holds them: who wrote them, and the vectors. */
interface StoredPerson {
  readonly worker: string;
  readonly model: string;
  readonly dimension: number;
  /** Every face's values, one after another: float32, little-endian, base64. */
  readonly faces: string;
}

/**
 * The fleet's people, shared by its workers in a KV bucket: each person's kept identity faces
 * (`person.ID`), and blocks of person ids (`next-block`), so ids are unique across the fleet. A
 * worker's gallery saves here (it is the gallery's store) and learns the people other workers
 * save, so a person seen first on one worker's camera keeps their id on another's. Consistency is
 * eventual: two workers that see a new person within the moment it takes to share them give that
 * person two ids (docs/scale-out.md).
 */
export class FleetPeople implements GalleryStore {
  private writes: Promise<void> = Promise.resolve();
  private block: { next: number; end: number };
  /** The start of the block taken ahead, once it came. */
  private spare: number | undefined;
  private taking = false;
  private following: { stop(): void } | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly worker: string,
    private readonly model: string,
    /** The people in the bucket when opened, and the revision they were read at. */
    readonly known: readonly PersonFaces[],
    private readonly readAt: number,
    firstId: number,
    private readonly log: (line: string) => void,
  ) {
    this.block = { next: firstId, end: firstId + BLOCK };
  }

  /** The bucket's people whose faces `model` made, and a first block of ids for `worker`. */
  static async open(nc: NatsConnection, worker: string, model: string, log: (line: string) => void): Promise<FleetPeople> {
    const kv = await new Kvm(nc).create(FLEET.peopleBucket, { history: 1 });
    const readAt = (await kv.status()).streamInfo.state.last_seq;
    const known = (await liveEntries(kv, 'person.>')).flatMap((entry) => decode(Number(entry.key.slice('person.'.length)), entry.json<StoredPerson>(), model) ?? []);
    return new FleetPeople(kv, worker, model, known, readAt, await takeNumbers(kv, NEXT_BLOCK, BLOCK, 0), log);
  }

  /** A person id no other worker hands out: from this worker's block; the next block is taken ahead of need. */
  readonly newPerson = (): number => {
    if (this.block.next >= this.block.end) {
      if (this.spare === undefined) throw new Error('the fleet gave this worker no new block of person ids in time');
      this.block = { next: this.spare, end: this.spare + BLOCK };
      this.spare = undefined;
    }
    if (this.spare === undefined && !this.taking && this.block.end - this.block.next <= BLOCK / 2) {
      this.taking = true;
      takeNumbers(this.kv, NEXT_BLOCK, BLOCK, 0).then(
        (start) => {
          this.spare = start;
          this.taking = false;
        },
        (error: unknown) => {
          this.taking = false;
          this.log(`mien worker: no new block of person ids yet (tried again at the next new person): ${(error as Error).message}`);
        },
      );
    }
    return this.block.next++;
  };

  save({ person, faces }: PersonFaces): void {
    const stored: StoredPerson = { worker: this.worker, model: this.model, dimension: faces[0]?.length ?? 0, faces: encode(faces) };
    this.write(() => this.kv.put(personKey(person), JSON.stringify(stored)));
  }

  remove(person: number): void {
    this.write(() => this.kv.delete(personKey(person)));
  }

  /** Teaches `gallery` the people other workers save or let go from now on. */
  async follow(gallery: PersonGallery): Promise<void> {
    const watch = await this.kv.watch({ key: 'person.>', resumeFromRevision: this.readAt + 1 });
    this.following = watch;
    void (async () => {
      for await (const entry of watch) {
        const person = Number(entry.key.slice('person.'.length));
        if (entry.operation !== 'PUT') {
          gallery.forget(person);
          continue;
        }
        const stored = entry.json<StoredPerson>();
        const faces = stored.worker === this.worker ? undefined : decode(person, stored, this.model);
        if (faces) gallery.learn(faces);
      }
    })();
  }

  /** Resolves once every change so far is in the bucket. */
  async close(): Promise<void> {
    this.following?.stop();
    await this.writes;
  }

  private write(change: () => Promise<unknown>): void {
    // In order, so a person's last change is the one kept; a failed one is said and the next goes on.
    this.writes = this.writes.then(change).then(
      () => undefined,
      (error: unknown) => this.log(`mien worker: a change to the fleet's people was not stored: ${(error as Error).message}`),
    );
  }
}

function encode(faces: readonly Float32Array[]): string {
  const all = new Float32Array(faces.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const face of faces) {
    all.set(face, at);
    at += face.length;
  }
  return Buffer.from(all.buffer).toString('base64');
}

/** The person's faces, unless another identity model made them (they cannot be compared). */
function decode(person: number, stored: StoredPerson, model: string): PersonFaces | undefined {
  if (stored.model !== model || stored.dimension === 0) return undefined;
  const bytes = Buffer.from(stored.faces, 'base64');
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { person, faces: Array.from({ length: all.length / stored.dimension }, (_, i) => all.slice(i * stored.dimension, (i + 1) * stored.dimension)) };
}
