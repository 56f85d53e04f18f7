/**
 * Where a live source stands:
 * - connecting: building the pipeline and waiting for its first frame;
 * - playing: frames flow;
 * - stalled: no frame for a while, the connection still open;
 * - reconnecting: the connection failed or ended, waiting before the next attempt;
 * - stopped: closed, or gave up; final.
 */
export type SourceState = 'connecting' | 'playing' | 'stalled' | 'reconnecting' | 'stopped';

/** One transition of a live source's state. */
export interface SourceStatus {
  readonly stream: string;
  readonly state: SourceState;
  /** Why, in a sentence: "opening rtsp://cam/1", "frames flow at 640x480", an error's message, "closed". */
  readonly reason: string;
  /** When, as Date.now(). */
  readonly at: number;
  /** For 'reconnecting': the retry's number since frames last flowed (1 for the first) and its wait. */
  readonly retry?: number;
  readonly retryInMs?: number;
  /** For 'reconnecting', and 'stopped' after giving up: what failed. */
  readonly error?: Error;
}
