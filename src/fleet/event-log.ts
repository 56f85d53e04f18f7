import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { MienEvent } from '../events/events.js';
import { eventSubject, FLEET } from './fleet-names.js';

/** How long JetStream remembers an event id: a publish retried within it is stored once. */
const DUPLICATE_WINDOW_MS = 120_000;
/** A publish not acknowledged after this many tries is given up: the event is lost, and said so. */
const PUBLISH_TRIES = 5;

/**
 * Every event of the fleet, in a JetStream stream: one subject per Mien stream (so each stream's
 * events stay in order), each event with an id that JetStream de-duplicates on and that consumers
 * (a gateway's store) recognise. Events are published one at a time, each after the previous one
 * was acknowledged, so none is reordered by a retry and none is taken for sent before it is stored.
 * One that JetStream does not take after a few tries (NATS unreachable that long) is lost: told to
 * `onLost`, and the next one goes on.
 */
export class EventLog {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly js: JetStreamClient,
    private readonly onLost: (id: string, error: Error) => void,
  ) {}

  static async open(nc: NatsConnection, onLost: (id: string, error: Error) => void): Promise<EventLog> {
    await ensureEventStream(await jetstreamManager(nc));
    return new EventLog(jetstream(nc), onLost);
  }

  /** Queues `event` to be stored under `id` (also its `id` field); `settled` resolves once every event queued so far is. */
  publish(event: MienEvent, id: string): void {
    this.queue = this.queue.then(() => this.send(event, id));
  }

  /** Resolves once every event queued so far is stored or given up. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async send(event: MienEvent, id: string): Promise<void> {
    const payload = JSON.stringify({ ...event, id });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.js.publish(eventSubject(event.stream), payload, { msgID: id });
        return;
      } catch (error) {
        if (attempt === PUBLISH_TRIES) {
          this.onLost(id, error as Error);
          return;
        }
      }
    }
  }
}

/** Creates the fleet's event stream unless it exists. */
export async function ensureEventStream(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.streams.info(FLEET.eventStream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add({ name: FLEET.eventStream, subjects: [FLEET.eventSubjects], duplicate_window: nanos(DUPLICATE_WINDOW_MS) });
  }
}
