/**
 * What the runtime tells of its streams (types only: the API sends them as they are, and the
 * dashboard reads them without importing the runtime).
 */
import type { StreamStatus } from '../events/events.js';

/** A stream's kind of source (`SourceSpec['kind']`). */
export type StreamKind = 'file' | 'rtsp' | 'rtp' | 'test' | 'still' | 'whip';

/**
 * Where a stream came from: the config file and the API's streams are kept and come back after a
 * restart; a WebRTC publisher that came unannounced and the built-in demo last one run.
 */
export type StreamOrigin = 'config' | 'api' | 'publisher' | 'demo';

/** One stream with its status and rates (over the last 10 seconds): GET /api/streams. */
export interface StreamInfo {
  readonly id: string;
  readonly kind: StreamKind;
  /** Where it comes from, passwords masked. */
  readonly source: string;
  readonly origin: StreamOrigin;
  readonly status: StreamStatus;
  readonly reason: string;
  readonly framesReceived: number;
  readonly framesAnalysed: number;
  /** Frames the source let go: beyond the analysis rate (as asked), or while Node was busy. */
  readonly framesSkipped: number;
  /** Frames received and then replaced by newer ones while the analysis was busy: it is behind. */
  readonly framesDropped: number;
  readonly analysedPerSecond: number;
  readonly skippedPerSecond: number;
  readonly droppedPerSecond: number;
  /** The fleet worker running it, in a fleet gateway's listing (docs/scale-out.md); null while none has claimed it. */
  readonly worker?: string | null;
}
