import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { MienEvent } from '../events/events.js';
import { isMienEvent } from '../events/validate.js';
import { ensureEventStream } from './event-log.js';
import { FLEET } from './fleet-names.js';

/** Where a projection puts the fleet's events: taken one by one, kept together. */
export interface ProjectionSink {
  /** One event of the log, with its id; nothing is kept until `keep`. */
  take(event: MienEvent): void;
  /** Keeps every event taken so far (an event kept before, by its id, once): only then are they acknowledged. */
  keep(): void;
}

export interface ProjectionOptions {
  /** The durable consumer's name: one per gateway, the same across its restarts. */
  readonly durable: string;
  /** An event not acknowledged this long after it was delivered comes again. Default 30 s. */
  readonly redeliverAfterMs?: number;
  readonly log: (line: string) => void;
}

/**
 * A gateway's view of the fleet's event log: a durable consumer of `MIEN_EVENTS` whose events go
 * to a sink (the gateway's store) and are acknowledged only once the sink kept them. A gateway
 * that dies before acknowledging is given those events again when it comes back, and the sink,
 * keeping each id once, keeps them once: every event the workers published, each once.
 */
export class EventProjection {
  private readonly taken: JsMsg[] = [];
  private keepPlanned = false;
  private done: Promise<void> = Promise.resolve();

  private constructor(
    private readonly consumer: Consumer,
    private readonly messages: ConsumerMessages,
    private readonly sink: ProjectionSink,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts following the log from where its durable consumer stopped (the start, the first time). */
  static async start(nc: NatsConnection, sink: ProjectionSink, options: ProjectionOptions): Promise<EventProjection> {
    const { durable, log, redeliverAfterMs = 30_000 } = options;
    const jsm = await jetstreamManager(nc);
    await ensureEventStream(jsm);
    await jsm.consumers.add(FLEET.eventStream, { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(redeliverAfterMs), deliver_policy: DeliverPolicy.All, max_ack_pending: 10_000 });
    const consumer = await jetstream(nc).consumers.get(FLEET.eventStream, durable);
    const projection = new EventProjection(consumer, await consumer.consume({ max_messages: 500 }), sink, log);
    projection.done = projection.follow();
    return projection;
  }

  /** Events of the log not yet kept and acknowledged here: how far this projection is behind. */
  async lag(): Promise<number> {
    const info = await this.consumer.info();
    return info.num_pending + info.num_ack_pending;
  }

  /** Stops following; what was taken is kept and acknowledged first. */
  async stop(): Promise<void> {
    await this.messages.close();
    await this.done;
    this.keep();
  }

  private async follow(): Promise<void> {
    for await (const message of this.messages) {
      const event = readEvent(message);
      if (event === undefined) {
        this.log(`mien gateway: the event log's message ${message.seq} is not a Mien event; skipped`);
        message.term();
        continue;
      }
      this.sink.take(event);
      this.taken.push(message);
      // The messages of one read are kept in one transaction, then acknowledged.
      if (!this.keepPlanned) {
        this.keepPlanned = true;
        setImmediate(() => this.keep());
      }
    }
  }

  private keep(): void {
    this.keepPlanned = false;
    if (this.taken.length === 0) return;
    this.sink.keep();
    try {
      for (const message of this.taken.splice(0)) message.ack();
    } catch (error) {
      // NATS is gone: the messages not acknowledged come again, and the sink keeps each once.
      this.log(`mien gateway: events kept but not acknowledged: ${(error as Error).message}`);
    }
  }
}

function readEvent(message: JsMsg): MienEvent | undefined {
  let value: unknown;
  try {
    value = message.json();
  } catch {
    return undefined;
  }
  return isMienEvent(value) ? value : undefined;
}
