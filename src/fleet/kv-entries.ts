import type { KV, KvEntry } from '@nats-io/kv';

/** The entries of `kv` whose keys match `filter` and whose last write is a value, not a deletion. */
export async function liveEntries(kv: KV, filter = '>'): Promise<KvEntry[]> {
  const entries: KvEntry[] = [];
  for await (const key of await kv.keys(filter)) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') entries.push(entry);
  }
  return entries;
}
