import type { MienEvent } from './events.js';

export type EventListener = (event: MienEvent) => void;

/**
 * Where analysis publishes events and serving reads them: the one seam between the two. The
 * in-process bus is the default; a bus over NATS JetStream or Kafka can take its place to run stream
 * workers on other hosts without touching the operators or the server.
 */
export interface EventBus {
  publish(event: MienEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}

/** Delivers each event synchronously to every listener; a listener that throws cannot hurt the others. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = (error) => console.error('mien: event listener failed:', error)) {}

  publish(event: MienEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    const own = (event: MienEvent) => listener(event);
    this.listeners.add(own);
    return () => this.listeners.delete(own);
  }
}
