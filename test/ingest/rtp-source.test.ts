import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SdpError } from '../../src/ingest/errors.js';
import type { Frame } from '../../src/ingest/frame.js';
import type { LiveSource } from '../../src/ingest/live-source.js';
import { openRtpSource, type RtpSourceOptions } from '../../src/ingest/rtp-source.js';
import { runningPipelines } from '../../src/ingest/threadpool.js';
import { fixture } from '../support/fixtures.js';
import { clipMatcher } from './clip-match.js';
import { nextStatus, recordStatuses, stateSequence } from './live-statuses.js';
import { RtpSender } from './rtp-sender.js';
import { freePort } from './rtsp-server.js';

const CLIP = fixture('video/cremad-1001-six-emotions.mp4');
const FRAME = 1001 / 30_000;

const senders: RtpSender[] = [];
const sources: LiveSource[] = [];
const send = async (make: (port: number) => RtpSender = (port) => RtpSender.h264File(port, CLIP)): Promise<RtpSender> => {
  const sender = make(await freePort());
  senders.push(sender);
  return sender;
};
const open = (options: RtpSourceOptions): LiveSource => {
  const source = openRtpSource(options);
  sources.push(source);
  return source;
};
afterEach(() => {
  sources.splice(0).forEach((source) => source.close());
  senders.splice(0).forEach((sender) => sender.stop());
});

let distanceToClip: (frame: Frame) => number;
beforeAll(async () => {
  distanceToClip = await clipMatcher(CLIP);
});

const takeFrames = (source: LiveSource, count: number, withinMs = 10_000): Promise<Frame[]> =>
  firstValueFrom(source.frames.pipe(take(count), toArray(), timeout(withinMs)));

describe('an RTP source described by SDP', () => {
  it('receives the sent clip, timed by its RTP timestamps', async () => {
    const sender = await send();
    const source = open({ stream: 'sfu', sdp: sender.sdp });
    sender.start();
    const frames = await takeFrames(source, 30);

    expect(frames.every((f) => f.width === 480 && f.height === 360)).toBe(true);
    // Frame gaps are whole frame durations of the 29.97 fps clip, without network jitter.
    for (const [i, frame] of frames.slice(1).entries()) {
      const frameCount = (frame.pts - frames[i].pts) / FRAME;
      expect(frameCount).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(frameCount - Math.round(frameCount))).toBeLessThan(0.01);
    }
    expect(distanceToClip(frames[29])).toBeLessThan(3);
  });

  it('caps VP8 without a frame rate (as browsers send it) to maxFps, keeping its RTP timestamps', async () => {
    // GStreamer 1.22's videorate aborts the process on such a stream: the cap must not use it.
    const sender = await send(RtpSender.vp8Pattern);
    const source = open({ stream: 'browser', sdp: sender.sdp, maxFps: 5 });
    sender.start();
    const frames = await takeFrames(source, 6);

    expect(frames.every((f) => f.width === 320 && f.height === 240)).toBe(true);
    const gaps = frames.slice(1).map((frame, i) => frame.pts - frames[i].pts);
    for (const gap of gaps) expect(gap).toBeLessThan(0.5);
    expect(frames[5].pts - frames[0].pts).toBeGreaterThan(1 - 1 / 30 - 0.001);
    expect(source.skippedFrames).toBeGreaterThan(10);
  });

  it('reports a sender that goes quiet, listens again, and plays when it sends again', async () => {
    const sender = await send();
    // Generous enough that a busy machine's slow first frame is not taken for a stall.
    const source = open({ stream: 'sfu', sdp: sender.sdp, stallAfterMs: 1500, restartAfterMs: 3000, backoff: { initialDelayMs: 100 } });
    const statuses = recordStatuses(source);
    sender.start();
    await takeFrames(source, 10);

    sender.stop();
    const restarted = await nextStatus(source, (s) => s.state === 'reconnecting');
    expect(restarted.reason).toBe(`RTP H264 on port ${sender.port}: no frame for 3.0 s`);
    sender.start();
    await takeFrames(source, 10);
    expect(stateSequence(statuses).slice(0, 4)).toEqual(['connecting', 'playing', 'stalled', 'reconnecting']);
    expect(statuses.at(-1)?.state).toBe('playing');
    source.close();
    expect(runningPipelines()).toBe(0);
  });

  it('refuses an SDP without a plain RTP video stream, saying what is missing', () => {
    const audioOnly = 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5004 RTP/AVP 0\r\n';
    expect(() => openRtpSource({ stream: 's', sdp: audioOnly })).toThrow(new SdpError('the SDP describes no video stream (no m=video line)'));
    expect(() => openRtpSource({ stream: 's', sdp: 'm=video 5004 UDP/TLS/RTP/SAVPF 96\r\n' })).toThrow(/is UDP\/TLS\/RTP\/SAVPF, not plain RTP/);
    expect(() => openRtpSource({ stream: 's', sdp: 'm=video 5004 RTP/AVP 96\r\n' })).toThrow(/payload type 96 has no a=rtpmap line/);
  });
});
