import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineLaunchError } from '../../src/ingest/errors.js';
import { LiveSource } from '../../src/ingest/live-source.js';
import { outputChain } from '../../src/ingest/output-chain.js';
import { openTestPatternSource } from '../../src/ingest/test-pattern-source.js';
import type { TestPattern } from '../../src/ingest/test-patterns.js';
import { runningPipelines } from '../../src/ingest/threadpool.js';
import { nextStatus, recordStatuses, stateSequence } from './live-statuses.js';

const opened: LiveSource[] = [];
const open = (options: Parameters<typeof openTestPatternSource>[0]): LiveSource => {
  const source = openTestPatternSource(options);
  opened.push(source);
  return source;
};
afterEach(() => opened.splice(0).forEach((source) => source.close()));

const busyFor = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe('a live test pattern', () => {
  it('connects, plays, and delivers frames of its size at its rate, in real time', async () => {
    const source = open({ stream: 'pattern', width: 320, height: 240, fps: 30 });
    const statuses = recordStatuses(source);
    const started = Date.now();
    const frames = await firstValueFrom(source.frames.pipe(take(30), toArray(), timeout(5000)));

    expect(stateSequence(statuses)).toEqual(['connecting', 'playing']);
    expect(statuses[1].reason).toBe('frames flow at 320x240');
    expect(frames.map((f) => [f.stream, f.index, f.width, f.height, f.data.length])).toEqual(
      frames.map((_, i) => ['pattern', i, 320, 240, 320 * 240 * 3]),
    );
    // Frame after frame, 1/30 s apart; on a loaded machine Node may miss one now and then, and the
    // gap is then two frames (the drop counted).
    const gaps = frames.slice(1).map((f, i) => (f.pts - frames[i].pts) * 30);
    for (const gap of gaps) expect(Math.abs(gap - Math.round(gap))).toBeLessThan(0.01);
    expect(gaps.filter((gap) => Math.round(gap) === 1).length).toBeGreaterThanOrEqual(25);
    expect(Math.round(gaps.reduce((a, b) => a + b, 0)) - gaps.length).toBeLessThanOrEqual(source.skippedFrames + 1);
    expect(Date.now() - started).toBeGreaterThan(800);
  });

  it('caps the rate and the size, the frames in between dropped in GStreamer', async () => {
    const source = open({ stream: 'pattern', width: 640, height: 480, fps: 30, maxFps: 10, maxWidth: 200 });
    const frames = await firstValueFrom(source.frames.pipe(take(11), toArray(), timeout(5000)));
    expect([frames[0].width, frames[0].height]).toEqual([200, 150]);
    // 10 frames per second on average (single gaps vary by a frame), each one of the pattern's own
    // frames (a whole number of 1/30 s after the first).
    const gaps = frames.slice(1).map((frame, i) => frame.pts - frames[i].pts);
    for (const gap of gaps) expect(Math.abs(gap * 30 - Math.round(gap * 30))).toBeLessThan(0.01);
    expect(frames[10].pts - frames[0].pts).toBeGreaterThan(1 - 1 / 30 - 0.001);
    expect(frames[10].pts - frames[0].pts).toBeLessThan(1.4);
    expect(source.skippedFrames).toBeGreaterThanOrEqual(15);
  });

  it('keeps only the newest frame while Node is busy, and counts the frames it dropped', async () => {
    const source = open({ stream: 'pattern', width: 160, height: 120, fps: 30 });
    const frames = await firstValueFrom(source.frames.pipe(take(3), toArray(), timeout(5000)));
    busyFor(1000);
    const [first, second] = await firstValueFrom(source.frames.pipe(take(2), toArray(), timeout(5000)));
    // About 30 frames were made in that second. The first frame after it may have been on its way
    // to Node already; by the second at the latest, Node has the newest, the others were dropped.
    expect(second.pts - frames[2].pts).toBeGreaterThan(0.9);
    expect([first.index, second.index]).toEqual([3, 4]);
    expect(source.skippedFrames).toBeGreaterThanOrEqual(15);
    expect(source.skippedFrames).toBeLessThanOrEqual(35);
  });

  it('reconnects after its stream ends, with statuses that say why and how long it waits, numbering frames on', async () => {
    const source = open({ stream: 'pattern', width: 160, height: 120, fps: 30, framesPerRun: 10, backoff: { initialDelayMs: 100 } });
    const statuses = recordStatuses(source);
    const frames = await firstValueFrom(source.frames.pipe(take(25), toArray(), timeout(10_000)));

    expect(stateSequence(statuses).slice(0, 8)).toEqual(['connecting', 'playing', 'reconnecting', 'connecting', 'playing', 'reconnecting', 'connecting', 'playing']);
    const reconnecting = statuses.filter((s) => s.state === 'reconnecting');
    // Frames flowed between the two ends, so each retry is a first retry again.
    expect(reconnecting.map((s) => [s.reason, s.retry, s.retryInMs])).toEqual(
      reconnecting.map(() => ['test pattern ball: the stream ended', 1, 100]),
    );
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
  });

  it('stops when closed: frames and statuses complete, the pipeline is gone, and closing again does nothing', async () => {
    const source = open({ stream: 'pattern', width: 160, height: 120 });
    const statuses = recordStatuses(source);
    const allFrames = lastValueFrom(source.frames.pipe(toArray()));
    await nextStatus(source, (s) => s.state === 'playing');
    expect(runningPipelines()).toBe(1);

    source.close();
    source.close();
    expect((await allFrames).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toMatchObject({ state: 'stopped', reason: 'closed' });
    expect(statuses.filter((s) => s.state === 'stopped')).toHaveLength(1);
    expect(source.closed).toBe(true);
    expect(runningPipelines()).toBe(0);
  });

  it('refuses a pattern outside its closed set before anything reaches GStreamer', () => {
    expect(() => open({ stream: 'pattern', pattern: 'ball ! filesink location=copied.txt' as TestPattern })).toThrow(/pattern must be one of smpte, ball/);
    expect(runningPipelines()).toBe(0);
  });

  it('gives up at once, saying why, when its pipeline cannot be built', async () => {
    const source = new LiveSource('a broken source', { description: `videotestsrc no-such-property=1 ! ${outputChain({}, 'newest')}`, properties: [] }, { stream: 'broken' });
    opened.push(source);
    const error = await lastValueFrom(source.frames).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineLaunchError);
    expect(source.currentStatus.state).toBe('stopped');
    expect(source.currentStatus.reason).toMatch(/^gave up: a broken source: GStreamer cannot build the pipeline: .*no-such-property/);
  });

  it('leaves nothing running: a process that opens, reads and closes one exits by itself', async () => {
    const program = new URL('./programs/close-live-source.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', program], { timeout: 20_000 });
    expect(stdout.trim()).toBe('took 5 frames, then stopped');
  });
});
