import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { lastValueFrom, timeout, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PipelineError, TruncatedVideoError, VideoFileError } from '../../src/ingest/errors.js';
import { fileFrames } from '../../src/ingest/file-source.js';
import type { Frame } from '../../src/ingest/frame.js';
import { fixture, scratchDir, videoFrameAt } from '../support/fixtures.js';
import { probeVideo } from './ffprobe.js';
import { fixtureVideos, madeVideos } from './videos.js';

const made = madeVideos();
const videos = [...fixtureVideos(), made.mpegPs, made.noAudio].map((path) => [basename(path), path] as const);
/** The clips of about 3 s; the two 12.6 s ones are left out of the repetitions to keep the suite short. */
const shortVideos = videos.filter(([name]) => !/cremad-1001-six-emotions|two-people-cremad-grid/.test(name));
const grid = fixture('video/grid/bbaf2n.mp4');
/**
 * Frames at the end that GStreamer leaves out and ffprobe lists. event-hall.mp4 delays its first
 * frame by one (B-frames) without an edit list, so its last frame starts where the track's declared
 * duration ends, and GStreamer's decoder clips it as outside the stream's segment.
 */
const CLIPPED_AT_END: Record<string, number> = { 'event-hall.mp4': 1 };
const expectedPts = (name: string, path: string): readonly number[] => {
  const { pts } = probeVideo(path);
  return pts.slice(0, pts.length - (CLIPPED_AT_END[name] ?? 0));
};

/** All frames, failing with a TimeoutError if GStreamer goes quiet for 5 s (a stall) instead of hanging. */
const allFrames = (frames: Observable<Frame>): Promise<Frame[]> => lastValueFrom(frames.pipe(timeout({ each: 5000 }), toArray()));

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('fileFrames on every fixture video', () => {
  it.each(videos)('%s: every frame, at its size, at the timestamps ffprobe reads, with the same picture as ffmpeg', async (name, path) => {
    const probe = probeVideo(path);
    const pts = expectedPts(name, path);
    const frames = await allFrames(fileFrames(path, { stream: 'cam-1' }));

    expect(frames.length).toBe(pts.length);
    frames.forEach((frame, i) => {
      expect(frame).toMatchObject({ stream: 'cam-1', index: i, width: probe.width, height: probe.height });
      expect(frame.data.length).toBe(probe.width * probe.height * 3);
      expect(Math.abs(frame.pts - pts[i])).toBeLessThan(0.001);
    });

    const middle = frames[Math.floor(frames.length / 2)];
    const reference = videoFrameAt(path, middle.pts - probe.startTime);
    expect(meanAbsoluteDifference(middle.data, reference.data)).toBeLessThan(3);
  });
});

describe('fileFrames, again and again', () => {
  it.each(shortVideos)('%s decodes whole 20 times in a row, never stalling', async (name, path) => {
    const counts: number[] = [];
    for (let run = 0; run < 20; run++) counts.push((await allFrames(fileFrames(path))).length);
    const expected = expectedPts(name, path).length;
    expect(counts).toEqual(counts.map(() => expected));
  });
});

describe('rate control inside GStreamer', () => {
  it('caps the frame rate by dropping frames, keeping their own timestamps', async () => {
    const probe = probeVideo(grid);
    const frames = await allFrames(fileFrames(grid, { maxFps: 5 }));
    expect(frames.length).toBeGreaterThanOrEqual(14);
    expect(frames.length).toBeLessThanOrEqual(16);
    for (const frame of frames) expect(probe.pts.some((t) => Math.abs(t - frame.pts) < 0.001)).toBe(true);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
  });

  it('scales wide frames down to maxWidth, keeping the aspect ratio, and never scales up', async () => {
    const [wide] = await allFrames(fileFrames(fixture('video/two-people-cremad-grid.mp4'), { maxWidth: 160 }));
    expect([wide.width, wide.height]).toEqual([160, 62]);
    expect(wide.data.length).toBe(160 * 62 * 3);
    const [small] = await allFrames(fileFrames(grid, { maxWidth: 2000 }));
    expect([small.width, small.height]).toEqual([360, 288]);
  });

  it('scales tall frames down to maxHeight', async () => {
    const [frame] = await allFrames(fileFrames(grid, { maxWidth: 300, maxHeight: 100 }));
    expect([frame.width, frame.height]).toEqual([125, 100]);
  });

  it('refuses rate options that are not positive integers', () => {
    expect(() => fileFrames(grid, { maxFps: 0 })).toThrow(TypeError);
    expect(() => fileFrames(grid, { maxWidth: 10.5 })).toThrow(/maxWidth must be a positive integer/);
  });
});

describe('fileFrames on what is not a whole video', () => {
  const dir = scratchDir();
  const bytes = readFileSync(grid);
  const write = (name: string, content: Uint8Array | string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('names a missing file and a directory', async () => {
    await expect(allFrames(fileFrames(join(dir, 'missing.mp4')))).rejects.toThrow(new VideoFileError(`${join(dir, 'missing.mp4')}: no such file`));
    await expect(allFrames(fileFrames(dir))).rejects.toThrow(`${dir}: not a file`);
  });

  it.each([
    ['a text file', 'notes.mp4', 'hello, this is not a video\n', 'Could not determine type of stream'],
    ['an empty file', 'empty.mp4', '', 'Stream contains no data'],
    ['the end of an mp4 without its header', 'tail.mp4', bytes.subarray(bytes.length - 60_000), 'Could not determine type of stream'],
  ])('says GStreamer cannot decode %s', async (_, name, content, reason) => {
    const path = write(name, content);
    const error = await allFrames(fileFrames(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).message).toContain(path);
    expect((error as PipelineError).message).toContain(reason);
  });

  it('gives the frames of a truncated mp4, then says it is truncated', async () => {
    const path = write('head.mp4', bytes.subarray(0, 60_000));
    const frames: Frame[] = [];
    const error = await new Promise((resolve) => fileFrames(path).subscribe({ next: (f) => frames.push(f), error: resolve, complete: () => resolve(undefined) }));
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.length).toBeLessThan(75);
    expect(error).toBeInstanceOf(TruncatedVideoError);
    expect((error as Error).message).toMatch(/head\.mp4: the frames end at 0\.\d+ s of a declared 3\.00 s: the file is truncated/);
  });

  it('reads a path with spaces, quotes and a "!" in it', async () => {
    const odd = join(dir, 'a "quoted" name ! with spaces');
    mkdirSync(odd);
    symlinkSync(grid, join(odd, 'clip.mp4'));
    expect((await allFrames(fileFrames(join(odd, 'clip.mp4')))).length).toBe(75);
  });

  it('reads a file whose name is pipeline syntax as that file, and writes nothing', async () => {
    const name = 'clip.mp4" ! filesink location=copied.txt\n! fakesink name="x';
    symlinkSync(grid, join(dir, name));
    expect((await allFrames(fileFrames(join(dir, name)))).length).toBe(75);
    expect(existsSync(join(dir, 'copied.txt'))).toBe(false);
    expect(existsSync('copied.txt')).toBe(false);
  });
});

describe('fileFrames teardown', () => {
  it('stops the pipeline when unsubscribed: a process that takes 3 frames of a 12 s clip exits at once', async () => {
    const program = new URL('./programs/take-frames.ts', import.meta.url).pathname;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', program, fixture('video/cremad-1001-six-emotions.mp4'), '3'], { timeout: 20_000 });
    expect(stdout.trim()).toBe('took 3 frames');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
