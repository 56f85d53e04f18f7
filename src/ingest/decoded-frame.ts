import type { SampleTiming, Structure } from 'gstreamer-superficial';
import type { RgbImage } from '../image/rgb-image.js';
import { FrameFormatError, GStreamerUnavailableError } from './errors.js';
import { packRgbRows } from './packed-rgb.js';

/** A frame as a pipeline delivers it, before a source numbers it. */
export interface DecodedFrame extends RgbImage {
  /** Presentation timestamp in seconds: the buffer's PTS as a position in the stream. */
  readonly pts: number;
  /** How long the frame lasts in seconds, when GStreamer knows. */
  readonly duration: number | undefined;
}

const NANOSECONDS = 1e9;

/**
 * A frame from one appsink sample: size from the sample's own caps (a live source may change it
 * mid-stream), rows packed, timing from Mien's patch of the binding.
 */
export function decodedFrame(bytes: Uint8Array, caps: Partial<Structure>, timing: SampleTiming | undefined): DecodedFrame {
  if (timing === undefined) {
    throw new GStreamerUnavailableError(
      'gstreamer-superficial gives no buffer timestamps: its patch is not applied (npm ci applies patches/ in postinstall and rebuilds it)',
    );
  }
  const { width, height, format } = caps;
  if (format !== 'RGB' || typeof width !== 'number' || typeof height !== 'number') {
    throw new FrameFormatError(`a frame came as ${String(caps.name)} ${String(format)} ${String(width)}x${String(height)}, not RGB`);
  }
  if (timing.streamTime === null) throw new FrameFormatError('a frame came without a timestamp');
  return {
    width,
    height,
    data: packRgbRows(bytes, width, height),
    pts: timing.streamTime / NANOSECONDS,
    duration: timing.duration === null ? undefined : timing.duration / NANOSECONDS,
  };
}
