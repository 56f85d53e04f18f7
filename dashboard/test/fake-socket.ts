/** Enough of a browser WebSocket for EventSocket and the app: the test plays the server. */
export class FakeSocket extends EventTarget {
  static readonly made: FakeSocket[] = [];
  readonly CLOSED = 3;
  readyState = 0;
  readonly sent: string[] = [];

  constructor(readonly url: string) {
    super();
    FakeSocket.made.push(this);
  }

  static get latest(): FakeSocket {
    const socket = FakeSocket.made.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  send(text: string): void {
    this.sent.push(text);
  }

  close(): void {
    this.serverClosed();
  }

  /** The server accepted the connection. */
  accept(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  /** The server sent a message. */
  message(value: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(value) }));
  }

  /** The connection ended (or was refused before it opened). */
  serverClosed(): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.dispatchEvent(new Event('close'));
  }
}

/** The constructor EventSocket takes, for a fake that only has what it uses. */
export const createFakeSocket = (url: string): WebSocket => new FakeSocket(url) as unknown as WebSocket;
