import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StreamInfo } from '../runtime/stream-info.js';
import { FLEET, idFromToken, idToken } from './fleet-names.js';
import { liveEntries } from './kv-entries.js';
import { isRevisionConflict } from './revision-conflict.js';

/** A claim on one stream: the KV revision it was written at is the proof it is still this worker's. */
export interface Lease {
  readonly stream: string;
  readonly worker: string;
  /** The revision this worker last wrote the lease at; the next write must name it. */
  revision: number;
  /** The revision of the first claim: tells this run of the stream from every other. */
  readonly epoch: number;
}

/** `mien worker`'s default lease time. */
export const DEFAULT_LEASE_MS = 10_000;

/** What a lease entry holds: the worker running the stream, and the stream as it ran at the last renewal. */
export interface LeaseEntry {
  readonly worker: string;
  /** Absent until the first renewal after the claim. */
  readonly stream?: StreamInfo;
}

/**
 * Which worker runs each stream, as entries of a KV bucket whose entries expire `leaseMs` after
 * their last write (the server's clock, not the workers'). A worker claims a stream by creating its
 * entry, which succeeds for one worker only; keeps it by rewriting it at the revision it last
 * wrote (compare-and-set), before it expires; and loses it when it does not: once the entry expires
 * (a worker killed, a network cut), another worker's create succeeds.
 */
export class StreamLeases {
  private constructor(
    private readonly kv: KV,
    /** How long a lease lasts unrenewed: the bucket's, set by whoever created it. */
    readonly leaseMs: number,
  ) {}

  /** The fleet's leases; a bucket not there yet is created with leases of `leaseMs`. */
  static async open(nc: NatsConnection, leaseMs = DEFAULT_LEASE_MS): Promise<StreamLeases> {
    const kv = await new Kvm(nc).create(FLEET.leasesBucket, { ttl: leaseMs, history: 1 });
    return new StreamLeases(kv, (await kv.status()).ttl);
  }

  /** The stream's lease for `worker`, or undefined when another worker holds it. */
  async claim(stream: string, worker: string): Promise<Lease | undefined> {
    try {
      const revision = await this.kv.create(idToken(stream), JSON.stringify({ worker }));
      return { stream, worker, revision, epoch: revision };
    } catch (error) {
      if (isRevisionConflict(error)) return undefined;
      throw error;
    }
  }

  /**
   * Keeps `lease` another lease time, telling how its stream runs now (what every gateway shows);
   * false if it was lost (expired and maybe claimed by another).
   */
  async renew(lease: Lease, stream?: StreamInfo): Promise<boolean> {
    const entry: LeaseEntry = { worker: lease.worker, ...(stream && { stream }) };
    try {
      lease.revision = await this.kv.update(idToken(lease.stream), JSON.stringify(entry), lease.revision);
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }

  /** Lets the stream go at once, if it is still this lease's. */
  async release(lease: Lease): Promise<void> {
    try {
      await this.kv.delete(idToken(lease.stream), { previousSeq: lease.revision });
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
    }
  }

  /** Every stream under a live lease, with the worker holding it. */
  async holders(): Promise<Map<string, string>> {
    return new Map([...(await this.entries())].map(([stream, entry]) => [stream, entry.worker]));
  }

  /** Every stream under a live lease, with its lease's entry. */
  async entries(): Promise<Map<string, LeaseEntry>> {
    return new Map((await liveEntries(this.kv)).map((entry) => [idFromToken(entry.key), entry.json<LeaseEntry>()]));
  }
}
