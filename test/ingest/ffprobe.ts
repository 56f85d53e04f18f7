import { execFileSync } from 'node:child_process';

/** What Debian's ffprobe (independent of GStreamer) reads from a video's first video stream. */
export interface ProbedVideo {
  readonly width: number;
  readonly height: number;
  /** Each decoded frame's timestamp in seconds, in presentation order. */
  readonly pts: readonly number[];
  /** The container's first timestamp: ffmpeg's -ss counts from it. */
  readonly startTime: number;
}

interface FfprobeJson {
  streams: { width: number; height: number }[];
  frames: { best_effort_timestamp_time?: string }[];
  format: { start_time?: string };
}

export function probeVideo(path: string): ProbedVideo {
  const json = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:frame=best_effort_timestamp_time:format=start_time', '-of', 'json', path],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const probe = JSON.parse(json) as FfprobeJson;
  const [stream] = probe.streams;
  const pts = probe.frames.map((f) => Number(f.best_effort_timestamp_time)).sort((a, b) => a - b);
  return { width: stream.width, height: stream.height, pts, startTime: Number(probe.format.start_time ?? 0) };
}
