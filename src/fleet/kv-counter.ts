import type { KV } from '@nats-io/kv';
import { isRevisionConflict } from './revision-conflict.js';

/**
 * Takes `count` numbers from the counter at `key` (starting at `first` when new) and returns the
 * first of them: compare-and-set on the entry's revision, tried again while another writer wins,
 * so no two takers ever get the same number.
 */
export async function takeNumbers(kv: KV, key: string, count: number, first = 1): Promise<number> {
  for (;;) {
    const entry = await kv.get(key);
    const start = entry?.operation === 'PUT' ? Number(entry.string()) : first;
    try {
      if (entry?.operation === 'PUT') await kv.update(key, String(start + count), entry.revision);
      else await kv.create(key, String(start + count));
      return start;
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
    }
  }
}
