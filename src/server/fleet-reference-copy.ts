import type { NatsConnection } from '@nats-io/transport-node';
import { FleetReferences, type SharedReference } from '../fleet/fleet-references.js';
import type { NewReference, ReferenceStore, StoredReference } from '../store/reference-store.js';
import type { ReferenceKeeper } from './reference-catalog.js';

/**
 * A gateway's side of the fleet's custom expressions: added to and removed from the fleet's
 * bucket (which every worker matches), and copied into this gateway's store as they come, from
 * whichever gateway, so its API lists and shows them as `mien serve` does. The bucket is the truth:
 * a reference of the store the fleet does not have (removed while this gateway was down, or made
 * before the data directory served a fleet) is removed from the store, and said so.
 */
export class FleetReferenceCopy implements ReferenceKeeper {
  private copying: Promise<void> = Promise.resolve();
  private stopWatching: () => void = () => {};

  private constructor(
    private readonly fleet: FleetReferences,
    private readonly store: ReferenceStore,
  ) {}

  /** Resolves once the store holds the fleet's references as they are now; `changed` hears of each change the copy makes after. */
  static async start(nc: NatsConnection, store: ReferenceStore, changed: () => void, log: (line: string) => void): Promise<FleetReferenceCopy> {
    const copy = new FleetReferenceCopy(await FleetReferences.open(nc), store);
    const present = new Set<number>();
    copy.stopWatching = await copy.fleet.watch((id, shared) => {
      if (shared) present.add(id);
      copy.copying = copy.copying.then(() => copy.copyOne(id, shared)).then(changed, (error: unknown) => log(`mien gateway: the fleet's reference ${id} not copied here: ${(error as Error).message}`));
    });
    for (const kept of store.list()) {
      if (present.has(kept.id)) continue;
      store.remove(kept.id);
      log(`mien gateway: the reference ${kept.id} (${kept.tags.join(', ')}) is not the fleet's: removed from this gateway's store`);
    }
    await copy.copying;
    return copy;
  }

  async add(reference: NewReference): Promise<StoredReference> {
    const { cropPng, embedding, box, ...rest } = reference;
    const shared = await this.fleet.add({ ...rest, embedding: [...embedding], box: [...box], createdAt: new Date().toISOString() }, cropPng);
    return this.store.put(storedOf(shared, cropPng));
  }

  async remove(id: number): Promise<boolean> {
    const removed = await this.fleet.remove(id);
    return this.store.remove(id) || removed;
  }

  stop(): void {
    this.stopWatching();
  }

  private async copyOne(id: number, shared: SharedReference | undefined): Promise<void> {
    if (!shared) {
      this.store.remove(id);
      return;
    }
    // A reference is never changed once shared: one copied already (this gateway's own) stays.
    if (this.store.get(id)) return;
    const crop = await this.fleet.cropPng(id);
    this.store.put(storedOf(shared, crop ?? new Uint8Array()));
  }
}

function storedOf(shared: SharedReference, cropPng: Uint8Array): StoredReference {
  const { tags, embedding, box, ...rest } = shared;
  return { ...rest, tags: [...tags], embedding: Float32Array.from(embedding), box: [...box], cropPng };
}
