import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { madeWithEmbedding, type ExpressionReference } from '../expression/matching.js';
import type { ReferenceRest } from '../expression/reference-face.js';
import { FLEET } from './fleet-names.js';
import { takeNumbers } from './kv-counter.js';

/** A custom expression as the fleet shares it: what a worker needs to match it, and a gateway to show it. */
export interface SharedReference {
  readonly id: number;
  readonly tags: readonly string[];
  /** Absent: the embedding's default threshold. */
  readonly threshold?: number;
  /** The embedding it was made with: workers running another one leave it unmatched. */
  readonly embeddingModel: string;
  readonly embedding: readonly number[];
  /** What a relative embedding read the face against. */
  readonly rest: ReferenceRest;
  readonly createdAt: string;
  /** The picture (or the face on screen) it was made from, and the face's box there. */
  readonly source: string;
  readonly box: readonly [number, number, number, number];
}

const NEXT_ID = 'next-id';
const referenceKey = (id: number) => `ref.${id}`;

/**
 * The fleet's custom expressions: one KV entry per reference (`ref.ID`), a counter that hands out
 * ids (two gateways adding at once never give two references one id), and each one's face crop
 * in an object store (`ref.ID`), written before its entry so whoever sees the entry finds the crop.
 * Added once, through any gateway; every worker follows the bucket and matches them within moments,
 * and every gateway keeps a copy in its store.
 */
export class FleetReferences {
  private constructor(
    private readonly kv: KV,
    private readonly crops: ObjectStore,
  ) {}

  static async open(nc: NatsConnection): Promise<FleetReferences> {
    const [kv, crops] = await Promise.all([new Kvm(nc).create(FLEET.referencesBucket, { history: 1 }), new Objm(nc).create(FLEET.referenceCropsBucket)]);
    return new FleetReferences(kv, crops);
  }

  /** Shares `reference` under a new id, its face crop (PNG) first. */
  async add(reference: Omit<SharedReference, 'id'>, cropPng: Uint8Array): Promise<SharedReference> {
    const shared = { ...reference, id: await takeNumbers(this.kv, NEXT_ID, 1) };
    await this.crops.putBlob({ name: referenceKey(shared.id) }, cropPng);
    await this.kv.put(referenceKey(shared.id), JSON.stringify(shared));
    return shared;
  }

  /** A reference's face crop (PNG), or null when it has none. */
  cropPng(id: number): Promise<Uint8Array | null> {
    return this.crops.getBlob(referenceKey(id));
  }

  /** False when the fleet had no reference of that id. */
  async remove(id: number): Promise<boolean> {
    const entry = await this.kv.get(referenceKey(id));
    if (entry?.operation !== 'PUT') return false;
    await this.kv.delete(referenceKey(id));
    await this.crops.delete(referenceKey(id));
    return true;
  }

  /**
   * Tells `changed` of every reference there now, then of each one added (the reference) or
   * removed (undefined) after; resolves, with a function that stops it, once the present ones were told.
   */
  async watch(changed: (id: number, shared: SharedReference | undefined) => void): Promise<() => void> {
    // Every entry there now has a revision up to the bucket's last one, and the watch delivers
    // each before any later change: seeing that revision means the present is read.
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    const watch = await this.kv.watch({ key: 'ref.>' });
    let caughtUp: () => void = () => {};
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (last === 0) caughtUp();
    void (async () => {
      for await (const entry of watch) {
        changed(Number(entry.key.slice('ref.'.length)), entry.operation === 'PUT' ? entry.json<SharedReference>() : undefined);
        if (entry.revision >= last) caughtUp();
      }
    })();
    await ready;
    return () => watch.stop();
  }

  /**
   * The references made with `embedding`, kept current as they are added and removed: what a
   * worker's analysis reads at each frame. Resolves once the references there now are read.
   */
  async follow(embedding: string): Promise<FollowedReferences> {
    const followed = new FollowedReferences();
    followed.stop = await this.watch((id, shared) => (shared && madeWithEmbedding(shared, embedding) ? followed.set(shared) : followed.delete(id)));
    return followed;
  }
}

/** The references a worker matches, as the fleet's bucket has them now. */
export class FollowedReferences {
  private readonly byId = new Map<number, ExpressionReference>();
  #current: readonly ExpressionReference[] = [];
  /** Stops following the bucket. */
  stop: () => void = () => {};

  /** In id order; a new array after each change, the same one between. */
  get current(): readonly ExpressionReference[] {
    return this.#current;
  }

  set(shared: SharedReference): void {
    this.byId.set(shared.id, { id: shared.id, tags: shared.tags, embedding: Float32Array.from(shared.embedding), ...(shared.threshold !== undefined && { threshold: shared.threshold }) });
    this.changed();
  }

  delete(id: number): void {
    if (this.byId.delete(id)) this.changed();
  }

  private changed(): void {
    this.#current = [...this.byId.values()].sort((a, b) => a.id - b.id);
  }
}
