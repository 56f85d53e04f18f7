import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, type Observable } from 'rxjs';
import { createRgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import type { Frame } from '../../src/ingest/frame.js';

/** ../shared/fixtures beside the checkout (see its README); tests read it, the product never does. */
export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export const fixture = (path: string): string => join(FIXTURES, path);

/** A scratch directory for one test file's outputs. */
export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'mien-test-'));

/** One decoded video frame, taken with Debian's ffmpeg (independent of Mien's own decoder). */
export function videoFrameAt(path: string, seconds: number): RgbImage {
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  const [width, height] = probe.trim().split(',').map(Number);
  const out = join(scratchDir(), 'frame.rgb');
  execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', out]);
  return createRgbImage(width, height, new Uint8Array(readFileSync(out)));
}

/**
 * A video's frames at `fps` as a Frame stream, decoded by Debian's ffmpeg (independent of Mien's
 * own decoder); pts is frame index / fps.
 */
export function ffmpegFrames(path: string, fps: number, stream = 'test'): Observable<Frame> {
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  const [width, height] = probe.trim().split(',').map(Number);
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const frames: Frame[] = [];
  for (let i = 0; (i + 1) * size <= raw.length; i++) {
    frames.push({ stream, index: i, pts: i / fps, width, height, data: new Uint8Array(raw.buffer, raw.byteOffset + i * size, size) });
  }
  return from(frames);
}

/** One emotion segment of `video/cremad-1001-six-emotions.mp4`, from its segments CSV. */
export interface CremadSegment {
  readonly emotion: string;
  readonly firstFrame: number;
  readonly lastFrame: number;
  /** Seconds. */
  readonly start: number;
  readonly end: number;
}

/** The six segments of the CREMA-D man's video, in order (neutral, happy, sad, anger, fear, disgust). */
export function cremadSegments(): CremadSegment[] {
  return readFileSync(fixture('video/cremad-1001-six-emotions.segments.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map((c) => ({ emotion: c[2], firstFrame: Number(c[3]), lastFrame: Number(c[4]), start: Number(c[5]), end: Number(c[6]) }));
}
