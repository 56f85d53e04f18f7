/** Name of the appsink every source pipeline ends with, so the runner can find it. */
export const SINK_ELEMENT = 'mien_frames';

/** Rate control applied in GStreamer, so Node never copies a frame it would not analyse. */
export interface RateControl {
  /**
   * At most this many frames per second reach Node (a positive integer); the others are dropped in
   * GStreamer, never duplicated, and the frames kept carry their own timestamps. Default: all.
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

export function checkRateControl(rate: RateControl): void {
  for (const name of ['maxFps', 'maxWidth', 'maxHeight'] as const) {
    const value = rate[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * The gst-launch tail every source ends with: decoded video in, then scaling (in the decoder's
 * colour format, before conversion, where it is cheapest), conversion to packed RGB with square
 * pixels, and the appsink Node pulls from.
 *
 * maxFps is applied here only for 'all' (files), by videorate dropping frames before they are
 * scaled and converted. Live streams may have no frame rate (WebRTC, many cameras), and GStreamer
 * 1.22's videorate then aborts the process (an assertion on buffer durations) or fails to
 * negotiate; for them the runner paces its pulls instead and the appsink drops the frames between.
 */
export function outputChain(rate: RateControl, delivery: Delivery): string {
  checkRateControl(rate);
  const caps = [
    'video/x-raw',
    'format=RGB',
    ...(rate.maxWidth === undefined ? [] : [`width=[1,${rate.maxWidth}]`]),
    ...(rate.maxHeight === undefined ? [] : [`height=[1,${rate.maxHeight}]`]),
    'pixel-aspect-ratio=1/1',
  ].join(',');
  const sink = delivery === 'newest' ? 'max-buffers=1 drop=true' : 'max-buffers=2 drop=false';
  return [
    ...(delivery === 'all' && rate.maxFps !== undefined ? [`videorate drop-only=true max-rate=${rate.maxFps}`] : []),
    'videoscale',
    'videoconvert',
    caps,
    `appsink name=${SINK_ELEMENT} sync=false ${sink}`,
  ].join(' ! ');
}
