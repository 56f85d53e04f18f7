// ws's WebSocket, as @fastify/websocket hands it over.
import type { WebSocket } from '@fastify/websocket';
import type { RawData } from 'ws';
import type { EventBus } from '../events/event-bus.js';
import type { MienEvent } from '../events/events.js';
import type { SocketMessage } from './api-types.js';
import { parseSubscribe, passes, type SubscriberFilter } from './subscriber-filter.js';
import { FilterError } from './errors.js';

export interface EventHubOptions {
  /** Events a subscriber may have waiting; past it the oldest are dropped for that subscriber alone. */
  readonly bufferSize: number;
  /** Messages a subscriber may send, bytes. Default 16 KiB. */
  readonly maxMessageBytes?: number;
  /** Ping interval; a peer that misses a pong in between is dropped. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Sends not yet written to the socket, per subscriber, before new ones wait in the buffer. Default 64. */
  readonly maxInFlight?: number;
  readonly onDropped?: (count: number) => void;
}

/** One WebSocket subscriber: its filter, its bounded queue, what it lost. */
class Subscriber {
  filter: SubscriberFilter | undefined;
  readonly queue: string[] = [];
  inFlight = 0;
  dropped = 0;
  alive = true;

  constructor(readonly socket: WebSocket) {}
}

/**
 * Fans events out to WebSocket subscribers on /events. A subscriber sends
 * `{"type":"subscribe", ...filters}` and gets `{"type":"event","event":...}` messages. A subscriber
 * that does not keep up has its oldest waiting events dropped, and is told how many with
 * `{"type":"dropped","count":n}`; others are not slowed. Bad messages get `{"type":"error"}`.
 */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly unsubscribeBus: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    bus: EventBus,
    private readonly options: EventHubOptions,
  ) {
    this.unsubscribeBus = bus.subscribe((event) => this.deliver(event));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Messages waiting for the slowest subscriber: at most the buffer size. */
  get mostQueued(): number {
    let most = 0;
    for (const sub of this.subscribers) most = Math.max(most, sub.queue.length);
    return most;
  }

  /** A WebSocket the HTTP layer accepted on /events: a subscriber from now on, until it closes. */
  adopt(ws: WebSocket): void {
    const sub = new Subscriber(ws);
    this.subscribers.add(sub);
    ws.on('pong', () => (sub.alive = true));
    ws.on('message', (data, isBinary) => this.receive(sub, data, isBinary));
    ws.on('close', () => this.subscribers.delete(sub));
    ws.on('error', () => ws.terminate());
  }

  private receive(sub: Subscriber, data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (isBinary || size > (this.options.maxMessageBytes ?? 16 * 1024)) {
      this.reply(sub, { type: 'error', message: isBinary ? 'messages must be JSON text' : `messages are limited to ${this.options.maxMessageBytes ?? 16 * 1024} bytes` });
      return;
    }
    try {
      sub.filter = parseSubscribe(JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString()));
      this.reply(sub, { type: 'subscribed', filter: sub.filter });
    } catch (error) {
      const message = error instanceof FilterError ? error.message : 'the message is not valid JSON';
      this.reply(sub, { type: 'error', message });
    }
  }

  private reply(sub: Subscriber, message: SocketMessage): void {
    this.enqueue(sub, JSON.stringify(message), false);
  }

  private deliver(event: MienEvent): void {
    let text: string | undefined;
    for (const sub of this.subscribers) {
      if (!sub.filter || !passes(sub.filter, event)) continue;
      text ??= JSON.stringify({ type: 'event', event } satisfies SocketMessage);
      this.enqueue(sub, text, true);
    }
  }

  private enqueue(sub: Subscriber, text: string, droppable: boolean): void {
    sub.queue.push(text);
    if (droppable && sub.queue.length > this.options.bufferSize) {
      sub.queue.shift();
      sub.dropped++;
      this.options.onDropped?.(1);
    }
    this.pump(sub);
  }

  private pump(sub: Subscriber): void {
    const maxInFlight = this.options.maxInFlight ?? 64;
    if (sub.socket.readyState !== sub.socket.OPEN) return;
    if (sub.dropped > 0 && sub.inFlight < maxInFlight) {
      this.write(sub, JSON.stringify({ type: 'dropped', count: sub.dropped } satisfies SocketMessage));
      sub.dropped = 0;
    }
    while (sub.inFlight < maxInFlight && sub.queue.length > 0) this.write(sub, sub.queue.shift()!);
  }

  private write(sub: Subscriber, text: string): void {
    sub.inFlight++;
    sub.socket.send(text, () => {
      sub.inFlight--;
      this.pump(sub);
    });
  }

  private beat(): void {
    for (const sub of this.subscribers) {
      if (!sub.alive) {
        sub.socket.terminate();
        this.subscribers.delete(sub);
        continue;
      }
      sub.alive = false;
      sub.socket.ping();
    }
  }

  /** Closes every subscriber; safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribeBus();
    for (const sub of this.subscribers) sub.socket.close(1001, 'server shutting down');
  }
}
