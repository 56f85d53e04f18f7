import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { madeWithEmbedding, type ExpressionReference } from '../expression/matching.js';
import { FLEET } from './fleet-names.js';
import { takeNumbers } from './kv-counter.js';

/** A custom expression as the fleet shares it: what a worker needs to match it. */
export interface SharedReference {
  readonly id: number;
  readonly tags: readonly string[];
  /** Absent: the embedding's default threshold. */
  readonly threshold?: number;
  /** The embedding it was made with: workers running another one leave it unmatched. */
  readonly embeddingModel: string;
  readonly embedding: readonly number[];
}

const NEXT_ID = 'next-id';
const referenceKey = (id: number) => `ref.${id}`;

/**
 * The fleet's custom expressions, in a KV bucket: one entry per reference (`ref.ID`), and a counter
 * that hands out ids, so two gateways adding at once never give two references one id. Added
 * once, through any gateway; every worker follows the bucket and matches them within moments.
 */
export class FleetReferences {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<FleetReferences> {
    return new FleetReferences(await new Kvm(nc).create(FLEET.referencesBucket, { history: 1 }));
  }

  async add(reference: Omit<SharedReference, 'id'>): Promise<SharedReference> {
    const shared = { ...reference, id: await takeNumbers(this.kv, NEXT_ID, 1) };
    await this.kv.put(referenceKey(shared.id), JSON.stringify(shared));
    return shared;
  }

  async remove(id: number): Promise<void> {
    await this.kv.delete(referenceKey(id));
  }

  /**
   * The references made with `embedding`, kept current as they are added and removed: what a
   * worker's analysis reads at each frame. Resolves once the references there now are read.
   */
  async follow(embedding: string): Promise<FollowedReferences> {
    // Every entry there now has a revision up to the bucket's last one, and the watch delivers
    // each before any later change: seeing that revision means the present is read.
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    const watch = await this.kv.watch();
    const followed = new FollowedReferences(() => watch.stop());
    let caughtUp: () => void = () => {};
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (last === 0) caughtUp();
    void (async () => {
      for await (const entry of watch) {
        if (entry.key.startsWith('ref.')) {
          const shared = entry.operation === 'PUT' ? entry.json<SharedReference>() : undefined;
          if (shared && madeWithEmbedding(shared, embedding)) followed.set(shared);
          else followed.delete(Number(entry.key.slice('ref.'.length)));
        }
        if (entry.revision >= last) caughtUp();
      }
    })();
    await ready;
    return followed;
  }

}

/** The references a worker matches, as the fleet's bucket has them now. */
export class FollowedReferences {
  private readonly byId = new Map<number, ExpressionReference>();
  #current: readonly ExpressionReference[] = [];

  constructor(readonly stop: () => void) {}

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
