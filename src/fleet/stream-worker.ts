import type { NatsConnection } from '@nats-io/transport-node';
import { InProcessEventBus } from '../events/event-bus.js';
import type { MienEvent } from '../events/events.js';
import { confinedMediaPath } from '../ingest/media-root.js';
import { MOBILEFACENET } from '../models/identity.js';
import type { AnalysisRuntime } from '../runtime/analysis-runtime.js';
import type { LiveAnalysis } from '../runtime/live-analysis.js';
import type { StreamInfo } from '../runtime/stream-info.js';
import { streamsToClaim, streamsToRelease } from './claim-plan.js';
import { DesiredStreams, type DesiredStream } from './desired-streams.js';
import { EventLog } from './event-log.js';
import { FleetPeople } from './fleet-people.js';
import { FleetReferences, type FollowedReferences } from './fleet-references.js';
import { StreamLeases, type Lease } from './stream-leases.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface StreamWorkerOptions {
  /** This worker's name in the fleet: unique, and the same across its restarts only if it resumes nothing. */
  readonly worker: string;
  /** Streams run at most. */
  readonly capacity: number;
  /**
   * How long a lease lasts unrenewed: after a worker dies, its streams wait this long for another.
   * The fleet's lease bucket keeps the time of whoever created it; a worker asking for another is told so and follows the bucket.
   */
  readonly leaseMs: number;
  /** Frames per second analysed per stream at most. */
  readonly fps: number;
  /** Where the files of file and still streams must lie (none: such streams are refused, and listed as failed). */
  readonly mediaRoot: string | undefined;
  /** Where its analysis and its place in the fleet are counted (the runtime's inference too, if it was opened with them). */
  readonly metrics: WorkerMetrics;
  readonly log: (line: string) => void;
}

/** A stream this worker runs: its lease, when it was last renewed, and the count its events' ids go on from. */
interface HeldStream {
  readonly lease: Lease;
  renewedAt: number;
  published: number;
}

/**
 * `mien worker`: runs the fleet's streams it claims, on one `LiveAnalysis` matching the fleet's
 * references (made with its embedding) as they are added and removed. Every round (a third
 * of the lease time) it renews its leases and stops any stream whose lease it lost, stops streams
 * the fleet no longer wants, and claims a free stream while it has room. Its events go to the
 * fleet's event log, each under the id `stream:epoch:n` (epoch: the lease's first revision), so a
 * consumer tells a stream's runs apart and stores each event once.
 */
export class StreamWorker {
  private readonly held = new Map<string, HeldStream>();
  /** Streams stopped here whose last events (their tags' ends) are still to come, by stream. */
  private readonly ending = new Map<string, HeldStream>();
  private round: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private natsConnected = true;

  private constructor(
    private readonly live: LiveAnalysis,
    private readonly desired: DesiredStreams,
    private readonly leases: StreamLeases,
    private readonly events: EventLog,
    private readonly references: FollowedReferences,
    private readonly people: FleetPeople,
    private readonly options: StreamWorkerOptions,
  ) {}

  static async start(runtime: AnalysisRuntime, nc: NatsConnection, options: StreamWorkerOptions): Promise<StreamWorker> {
    const [desired, leases, events, references, people] = await Promise.all([
      DesiredStreams.open(nc),
      StreamLeases.open(nc, options.leaseMs),
      EventLog.open(nc, (id, error) => {
        options.metrics.eventsLost.inc();
        options.log(`mien worker: the event ${id} was lost: JetStream did not take it (${error.message})`);
      }),
      FleetReferences.open(nc).then((shared) => shared.follow(runtime.space.kind.name)),
      FleetPeople.open(nc, options.worker, MOBILEFACENET.kind, options.log),
    ]);
    if (leases.leaseMs !== options.leaseMs) options.log(`mien worker: the fleet's leases last ${leases.leaseMs / 1000} s (their bucket was made so), not the ${options.leaseMs / 1000} s asked for`);
    const bus = new InProcessEventBus();
    let worker: StreamWorker | undefined;
    const live = runtime.live(bus, {
      fps: options.fps,
      references: () => references.current,
      // People are the fleet's: ids from this worker's blocks, faces shared with every worker.
      identity: { known: people.known, store: people, newIdentity: people.newPerson },
      hooks: options.metrics.liveHooks(options.fps, {
        onEnded: (stream) => worker?.streamEnded(stream),
        onFreed: (stream) => worker?.streamFreed(stream),
      }),
    });
    await people.follow(live.analysis.gallery);
    worker = new StreamWorker(live, desired, leases, events, references, people, options);
    bus.subscribe((event) => {
      options.metrics.observeEvent(event);
      worker.publish(event);
    });
    options.metrics.capacity.set(options.capacity);
    worker.watchConnection(nc);
    worker.schedule(0);
    return worker;
  }

  /** Why this worker cannot run streams now, or undefined when it can (`/readyz`). */
  notReady(): string | undefined {
    if (this.closed) return 'the worker is stopping';
    if (!this.natsConnected) return 'NATS is not reachable';
    if (this.live.stopped) return 'the analysis stopped on a failure';
    return undefined;
  }

  /** The streams this worker runs, with their status. */
  streams(): StreamInfo[] {
    return this.live.streams.list();
  }

  /** Stops every stream, stores their last events, and lets their leases go for others to claim. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
    this.references.stop();
    await this.live.close('the worker stopped');
    await this.people.close();
    const said = (what: string) => (error: unknown) => this.options.log(`mien worker: ${what}: ${(error as Error).message}`);
    await this.events.settled().catch(said('events not stored in JetStream'));
    // Not let go (NATS is gone): the leases expire, and the streams go to others all the same.
    await Promise.all([...this.held.values()].map(({ lease }) => this.leases.release(lease).catch(said(`the lease on "${lease.stream}" not let go`))));
    this.held.clear();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.round = this.claimRound().catch((error: unknown) => this.options.log(`mien worker: a round failed (tried again next round): ${(error as Error).message}`));
      void this.round.then(() => this.schedule(this.leases.leaseMs / 3));
    }, delayMs);
  }

  private async claimRound(): Promise<void> {
    for (const [stream, held] of this.held) {
      const renewed = await this.leases.renew(held.lease, this.live.streams.get(stream)).catch((error: unknown) => {
        this.options.log(`mien worker: the lease on "${stream}" not renewed: ${(error as Error).message}`);
        return undefined;
      });
      if (renewed === true) held.renewedAt = Date.now();
      // Cut off from NATS, a worker stops a stream a round before its lease expires and another may claim it.
      else if (renewed === false || Date.now() - held.renewedAt >= (this.leases.leaseMs * 2) / 3) {
        this.options.metrics.leasesLost.inc();
        this.stop(stream, 'the worker lost its lease');
      }
    }
    const [desired, holders] = await Promise.all([this.desired.list(), this.leases.holders()]);
    const ids = desired.map((s) => s.id);
    for (const stream of streamsToRelease({ desired: ids, held: new Set(this.held.keys()) })) {
      const { lease } = this.held.get(stream)!;
      this.stop(stream, 'removed from the fleet');
      await this.leases.release(lease);
    }
    const free = streamsToClaim({ desired: ids, leased: new Set(holders.keys()), held: new Set(this.held.keys()), capacity: this.options.capacity });
    for (const stream of free) {
      const lease = await this.leases.claim(stream, this.options.worker);
      if (lease && !this.closed) this.run(desired.find((s) => s.id === stream)!, lease);
    }
  }

  private run(stream: DesiredStream, lease: Lease): void {
    this.held.set(stream.id, { lease, renewedAt: Date.now(), published: 0 });
    try {
      // A file must lie in this worker's media root, whoever wrote the desired state.
      const confined = stream.kind === 'file' || stream.kind === 'still' ? { ...stream, path: confinedMediaPath(this.options.mediaRoot, stream.path) } : stream;
      this.live.streams.add(confined, 'api');
      this.options.log(`mien worker: ${this.options.worker} runs "${stream.id}"`);
    } catch (error) {
      // Held, so no other worker tries it in turn: the fleet shows it failed, with why.
      this.live.streams.addFailed(stream.id, stream, (error as Error).message, 'api');
    }
  }

  private stop(stream: string, reason: string): void {
    if (this.letGo(stream)) this.live.streams.remove(stream, reason);
  }

  /** A file that played to its end is done for the whole fleet: its desired entry and lease go. */
  private streamEnded(stream: string): void {
    if (this.live.streams.get(stream)?.status !== 'ended') return;
    const held = this.letGo(stream);
    if (!held) return;
    void Promise.all([this.desired.remove(stream), this.leases.release(held.lease)]).catch((error: unknown) =>
      this.options.log(`mien worker: "${stream}" ended, but the fleet was not told: ${(error as Error).message}`),
    );
  }

  /** No longer run here: its last events (the ends of its tags) still go out under its lease's epoch. */
  private letGo(stream: string): HeldStream | undefined {
    const held = this.held.get(stream);
    if (!held) return undefined;
    this.held.delete(stream);
    this.ending.set(stream, held);
    return held;
  }

  /** A stream's last events are out: its series go (it runs here no more) and the count of streams follows. */
  private streamFreed(stream: string): void {
    this.ending.delete(stream);
    const { metrics } = this.options;
    if (!this.live.streams.get(stream)) metrics.forgetStream(stream);
    metrics.streams.set(this.live.streams.size);
  }

  private watchConnection(nc: NatsConnection): void {
    const { natsConnected } = this.options.metrics;
    natsConnected.set(1);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'close') this.natsConnected = false;
        if (status.type === 'reconnect') this.natsConnected = true;
        natsConnected.set(this.natsConnected ? 1 : 0);
      }
    })();
  }

  private publish(event: MienEvent): void {
    const held = this.held.get(event.stream) ?? this.ending.get(event.stream);
    if (!held) return this.options.log(`mien worker: an event of "${event.stream}", which this worker does not run, was not published`);
    this.events.publish(event, `${event.stream}:${held.lease.epoch}:${held.published++}`);
  }
}
