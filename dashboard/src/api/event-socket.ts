import { FrameBatcher, type FrameScheduler } from '../state/frame-batcher.js';
import type { MienEvent, SocketMessage } from './api-types.js';

export interface EventSocketOptions {
  /** The address to connect to, asked again at each attempt (the token may have changed). */
  readonly url: () => string;
  /** Batches of events, at most one per animation frame. */
  readonly onEvents: (events: readonly MienEvent[]) => void;
  /** The subscription is live: after the first connect and after every reconnect. */
  readonly onLive?: () => void;
  /**
   * The socket closed; `opened` is false when it never opened (refused, or nothing listening).
   * It reconnects by itself after `retryInMs` unless stopped.
   */
  readonly onClose?: (opened: boolean, retryInMs: number) => void;
  /** The server dropped this many events because this page did not keep up. */
  readonly onDropped?: (count: number) => void;
  /** Default: the browser's WebSocket. */
  readonly createSocket?: (url: string) => WebSocket;
  /** Default: the next animation frame. */
  readonly schedule?: FrameScheduler;
}

const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

/**
 * The live events from the server's WebSocket (/events): subscribes to everything, hands events
 * over in batches, and reconnects with exponential backoff until stopped.
 */
export class EventSocket {
  private socket: WebSocket | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = FIRST_RETRY_MS;
  private running = false;
  private subscribed = false;
  private readonly batcher: FrameBatcher<MienEvent>;

  constructor(private readonly options: EventSocketOptions) {
    this.batcher = new FrameBatcher((events) => this.running && options.onEvents(events), options.schedule);
  }

  /** True while events flow: connected and subscribed. */
  get live(): boolean {
    return this.subscribed;
  }

  /** Connects, or reconnects at once with the current address; safe to call while connected. */
  start(): void {
    this.stop();
    this.running = true;
    this.retryMs = FIRST_RETRY_MS;
    this.connect();
  }

  /** Closes the socket and stops reconnecting; safe to call twice. */
  stop(): void {
    this.running = false;
    this.subscribed = false;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState !== socket.CLOSED) socket.close(1000, 'the page stopped listening');
  }

  private connect(): void {
    const socket = (this.options.createSocket ?? ((url) => new WebSocket(url)))(this.options.url());
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.retryMs = FIRST_RETRY_MS;
      socket.send(JSON.stringify({ type: 'subscribe' }));
    });
    socket.addEventListener('message', (message: MessageEvent) => {
      if (this.socket === socket && typeof message.data === 'string') this.receive(message.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || !this.running) return;
      this.socket = undefined;
      this.subscribed = false;
      const retryInMs = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
      this.options.onClose?.(opened, retryInMs);
    });
  }

  private receive(text: string): void {
    let message: SocketMessage;
    try {
      message = JSON.parse(text) as SocketMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'event':
        this.batcher.push(message.event);
        break;
      case 'subscribed':
        this.subscribed = true;
        this.options.onLive?.();
        break;
      case 'dropped':
        this.options.onDropped?.(message.count);
        break;
      case 'error':
        console.warn('mien: the server refused a message:', message.message);
        break;
    }
  }
}
