import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StreamRequest } from '../runtime/stream-manager.js';
import { FLEET, idFromToken, idToken } from './fleet-names.js';
import { liveEntries } from './kv-entries.js';
import { isRevisionConflict } from './revision-conflict.js';

/** A stream the fleet should run: its id and what to open, checked by the gateway that added it. */
export type DesiredStream = StreamRequest & { readonly id: string };

/**
 * The streams the fleet should run, as a KV bucket (one entry per stream id): the desired state
 * every gateway writes and every worker reads. A stream runs while its entry exists.
 */
export class DesiredStreams {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<DesiredStreams> {
    return new DesiredStreams(await new Kvm(nc).create(FLEET.streamsBucket, { history: 1 }));
  }

  async put(stream: DesiredStream): Promise<void> {
    await this.kv.put(idToken(stream.id), JSON.stringify(stream));
  }

  /** Adds `stream` unless the fleet has a stream of its id already (then false): two gateways adding one id at once add it once. */
  async create(stream: DesiredStream): Promise<boolean> {
    try {
      await this.kv.create(idToken(stream.id), JSON.stringify(stream));
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<DesiredStream | undefined> {
    const entry = await this.kv.get(idToken(id));
    return entry?.operation === 'PUT' ? { ...entry.json<DesiredStream>(), id } : undefined;
  }

  async remove(id: string): Promise<void> {
    await this.kv.delete(idToken(id));
  }

  async list(): Promise<DesiredStream[]> {
    return (await liveEntries(this.kv)).map((entry) => ({ ...entry.json<DesiredStream>(), id: idFromToken(entry.key) }));
  }
}
