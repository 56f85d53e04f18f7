import { lastValueFrom, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../src/ingest/errors.js';
import type { Frame } from '../../src/ingest/frame.js';
import type { LiveSource } from '../../src/ingest/live-source.js';
import { openRtspSource, type RtspSourceOptions } from '../../src/ingest/rtsp-source.js';
import { runningPipelines } from '../../src/ingest/threadpool.js';
import { fixture } from '../support/fixtures.js';
import { clipMatcher } from './clip-match.js';
import { nextStatus, recordStatuses, stateSequence } from './live-statuses.js';
import { freePort, RtspServer } from './rtsp-server.js';

// H.264 video and AAC audio, 12.6 s: the server streams it in real time, so it outlasts each test.
const CLIP = fixture('video/cremad-1001-six-emotions.mp4');

const servers: RtspServer[] = [];
const sources: LiveSource[] = [];
const serve = async (): Promise<RtspServer> => {
  const server = new RtspServer(await freePort(), CLIP);
  servers.push(server);
  await server.start();
  return server;
};
const open = (options: RtspSourceOptions): LiveSource => {
  const source = openRtspSource(options);
  sources.push(source);
  return source;
};
afterEach(() => {
  sources.splice(0).forEach((source) => source.close());
  servers.splice(0).forEach((server) => server.kill());
});

let distanceToClip: (frame: Frame) => number;
beforeAll(async () => {
  distanceToClip = await clipMatcher(CLIP);
});

const takeFrames = (source: LiveSource, count: number, withinMs = 10_000): Promise<Frame[]> =>
  firstValueFrom(source.frames.pipe(take(count), toArray(), timeout(withinMs)));

describe('an RTSP source', () => {
  it.each(['tcp', 'udp'] as const)('over %s delivers the served clip as frames, its audio left aside', async (transport) => {
    const server = await serve();
    const source = open({ stream: 'door', url: server.url, transport });
    const statuses = recordStatuses(source);
    const frames = await takeFrames(source, 20);

    expect(stateSequence(statuses)).toEqual(['connecting', 'playing']);
    expect(frames.every((f) => f.stream === 'door' && f.width === 480 && f.height === 360)).toBe(true);
    expect(frames.slice(1).every((f, i) => f.pts > frames[i].pts)).toBe(true);
    expect(distanceToClip(frames[19])).toBeLessThan(3);
  });

  it('reports a crashed server and plays again, with no pipeline left over, when it is back', async () => {
    const server = await serve();
    const source = open({ stream: 'door', url: server.url, backoff: { initialDelayMs: 200, maxDelayMs: 800 } });
    const statuses = recordStatuses(source);
    await takeFrames(source, 10);

    server.kill();
    await nextStatus(source, (s) => s.state === 'reconnecting' && (s.retry ?? 0) >= 4);
    expect(runningPipelines()).toBeLessThanOrEqual(1);
    await server.start();
    const again = await takeFrames(source, 10);
    expect(distanceToClip(again[9])).toBeLessThan(3);

    const reconnecting = statuses.filter((s) => s.state === 'reconnecting');
    expect(reconnecting[0].reason).toBe(`${server.url}: the stream ended`);
    // While the server is down, each attempt is refused, and the waits grow up to their bound.
    expect(reconnecting[1].reason).toMatch(/Could not open resource for reading and writing\. Failed to connect/);
    expect(reconnecting.map((s) => s.retryInMs).slice(0, 4)).toEqual([200, 400, 800, 800]);
    expect(stateSequence(statuses).slice(0, 3)).toEqual(['connecting', 'playing', 'reconnecting']);
    expect(statuses.at(-1)?.state).toBe('playing');

    source.close();
    expect(runningPipelines()).toBe(0);
  });

  it('reports a frozen server as stalled, restarts the connection, and plays once it thaws', async () => {
    const server = await serve();
    const source = open({ stream: 'door', url: server.url, stallAfterMs: 1000, restartAfterMs: 2500, backoff: { initialDelayMs: 200 } });
    const statuses = recordStatuses(source);
    await takeFrames(source, 10);

    server.pause();
    const stalled = await nextStatus(source, (s) => s.state === 'stalled');
    expect(stalled.reason).toBe('no frame for 1.0 s');
    const restarted = await nextStatus(source, (s) => s.state === 'reconnecting');
    expect(restarted.reason).toBe(`${server.url}: no frame for 2.5 s`);
    server.resume();
    await takeFrames(source, 5, 15_000);
    expect(stateSequence(statuses).slice(0, 4)).toEqual(['connecting', 'playing', 'stalled', 'reconnecting']);
    expect(statuses.at(-1)?.state).toBe('playing');
  });

  it('gives up on an address nobody answers after its retries, saying why', async () => {
    const url = `rtsp://127.0.0.1:${await freePort()}/nothing`;
    const source = open({ stream: 'gone', url, backoff: { initialDelayMs: 100, maxRetries: 2 } });
    const statuses = recordStatuses(source);
    const error = await lastValueFrom(source.frames).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PipelineError);
    expect(stateSequence(statuses)).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'stopped']);
    expect(statuses.at(-1)?.reason).toMatch(new RegExp(`^gave up: ${url}: Could not open resource for reading and writing`));
    expect(runningPipelines()).toBe(0);
  });
});
