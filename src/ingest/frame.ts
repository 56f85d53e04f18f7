import type { RgbImage } from '../image/rgb-image.js';

/** One decoded video frame of a stream, as every source emits it. */
export interface Frame extends RgbImage {
  /** The stream this frame came from, as named when the source was opened. */
  readonly stream: string;
  /** 0-based count of frames emitted by this source (frames skipped by rate control are not counted). */
  readonly index: number;
  /** Presentation timestamp in seconds, from the container or RTP clock. */
  readonly pts: number;
}
