/** Names of the elements every source pipeline ends with, so the runner can find them. */
export const RATE_ELEMENT = 'mien_rate';
export const SINK_ELEMENT = 'mien_frames';

/** Rate control applied inside GStreamer, so Node never copies a frame it would not analyse. */
export interface RateControl {
  /**
   * At most this many frames per second reach Node (a positive integer); the others are dropped
   * in GStreamer, never duplicated, and the frames kept carry their own timestamps. Default: all.
   */
  readonly maxFps?: number;
  /** Frames wider than this many pixels are scaled down, keeping their aspect. Default: no limit. */
  readonly maxWidth?: number;
  /** Frames taller than this many pixels are scaled down, keeping their aspect. Default: no limit. */
  readonly maxHeight?: number;
}

/**
 * How frames wait for Node: 'all' keeps every frame and holds the decoder back while Node is busy
 * (files); 'newest' keeps only the newest frame and drops older ones (live sources).
 */
export type Delivery = 'all' | 'newest';

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * The gst-launch tail every source ends with: decoded video in, then frame-rate cap, scaling (in the
 * decoder's colour format, before conversion, where it is cheapest), conversion to packed RGB with
 * square pixels, and the appsink Node pulls from.
 */
export function outputChain(rate: RateControl, delivery: Delivery): string {
  checkLimit('maxFps', rate.maxFps);
  checkLimit('maxWidth', rate.maxWidth);
  checkLimit('maxHeight', rate.maxHeight);
  const caps = [
    'video/x-raw',
    'format=RGB',
    ...(rate.maxWidth === undefined ? [] : [`width=[1,${rate.maxWidth}]`]),
    ...(rate.maxHeight === undefined ? [] : [`height=[1,${rate.maxHeight}]`]),
    'pixel-aspect-ratio=1/1',
  ].join(',');
  const sink = delivery === 'newest' ? 'max-buffers=1 drop=true' : 'max-buffers=2 drop=false';
  return [
    `videorate name=${RATE_ELEMENT} drop-only=true${rate.maxFps === undefined ? '' : ` max-rate=${rate.maxFps}`}`,
    'videoscale',
    'videoconvert',
    caps,
    `appsink name=${SINK_ELEMENT} sync=false ${sink}`,
  ].join(' ! ');
}
