import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/ingest/frame.js';
import { runningPipelines } from '../../src/ingest/threadpool.js';
import { WhipEndpoint } from '../../src/ingest/whip-endpoint.js';
import type { WhipSession } from '../../src/ingest/whip-session.js';
import { fixture, scratchDir } from '../support/fixtures.js';
import { clipMatcher } from './clip-match.js';
import { nextStatus, recordStatuses, stateSequence } from './live-statuses.js';

const CLIP = fixture('video/grid/bbaf2n.mp4');
const PUBLISHER = fileURLToPath(new URL('./programs/whip-publisher.js', import.meta.url));

let browser: Browser;
let distanceToClip: (frame: Frame) => number;
let distanceToOtherSpeaker: (frame: Frame) => number;
beforeAll(async () => {
  // Chromium's fake camera plays a Y4M file, in a loop.
  const camera = join(scratchDir(), 'camera.y4m');
  execFileSync('ffmpeg', ['-v', 'error', '-i', CLIP, '-pix_fmt', 'yuv420p', camera]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera}`,
      // Offer plain IP host candidates rather than mDNS names werift cannot resolve.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  distanceToClip = await clipMatcher(CLIP);
  distanceToOtherSpeaker = await clipMatcher(fixture('video/grid/swiz3n.mp4'));
});
afterAll(() => browser?.close());

const endpoints: WhipEndpoint[] = [];
const listen = async (): Promise<WhipEndpoint> => {
  const endpoint = await WhipEndpoint.listen({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  endpoints.push(endpoint);
  return endpoint;
};
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
});

/** A page publishing its camera to a WHIP URL, as a browser publisher does; resolves to the Location header. */
async function publish(endpoint: WhipEndpoint, stream: string): Promise<{ page: Page; location: string }> {
  const page = await browser.newPage();
  // A loopback http origin is a secure context, where the page may use the camera.
  await page.goto(new URL('/', endpoint.url).href);
  await page.addScriptTag({ path: PUBLISHER });
  const location = String(await page.evaluate(`publishToWhip(${JSON.stringify(`${endpoint.url}/${stream}`)})`));
  return { page, location };
}

const takeFrames = (session: WhipSession, count: number): Promise<Frame[]> =>
  firstValueFrom(session.source.frames.pipe(take(count), toArray(), timeout(15_000)));

describe('the WHIP endpoint', () => {
  it('receives a browser camera published over WebRTC as frames of what the camera shows', async () => {
    const endpoint = await listen();
    const opened = firstValueFrom(endpoint.sessions);
    const { page, location } = await publish(endpoint, 'door');
    const session = await opened;
    const statuses = recordStatuses(session.source);
    const frames = await takeFrames(session, 60);

    expect(location).toBe(`/whip/door/${session.id}`);
    expect(session.source.stream).toBe('door');
    expect(frames.every((f) => f.stream === 'door' && f.width === 360 && f.height === 288)).toBe(true);
    expect(frames.slice(1).every((f, i) => f.pts > frames[i].pts)).toBe(true);
    // The browser's encoder starts at a low bitrate and ramps up, more slowly on a busy machine:
    // judge the picture by the clearest of the last ten frames.
    const clearest = frames.slice(-10).reduce((a, b) => (distanceToClip(b) < distanceToClip(a) ? b : a));
    expect(distanceToClip(clearest)).toBeLessThan(5);
    expect(distanceToOtherSpeaker(clearest)).toBeGreaterThan(20);
    expect(stateSequence(statuses)).toContain('playing');
    await page.close();
  });

  it('ends a session when the publisher DELETEs its resource, leaving no pipeline running', async () => {
    const endpoint = await listen();
    const opened = firstValueFrom(endpoint.sessions);
    const { page, location } = await publish(endpoint, 'door');
    const session = await opened;
    await takeFrames(session, 5);

    const response = await fetch(new URL(location, endpoint.url), { method: 'DELETE' });
    expect(response.status).toBe(200);
    const stopped = await nextStatus(session.source, (s) => s.state === 'stopped');
    expect(stopped.reason).toBe('the publisher ended the session');
    expect(session.closed).toBe(true);
    expect(runningPipelines()).toBe(0);
    expect((await fetch(new URL(location, endpoint.url), { method: 'DELETE' })).status).toBe(404);
    await page.close();
  });

  it('answers bad requests with a status and a sentence, and keeps serving', async () => {
    const endpoint = await listen();
    const post = (body: string, type = 'application/sdp') => fetch(`${endpoint.url}/door`, { method: 'POST', headers: { 'content-type': type }, body });

    const malformed = await post('this is not SDP\r\n');
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toBe('the offer is not SDP: an SDP description starts with "v=0"\n');
    const audioOnly = await post('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=mid:0\r\na=sendonly\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\n');
    expect(audioOnly.status).toBe(400);
    expect(await audioOnly.text()).toMatch(/no video Mien can receive|not an SDP offer/);
    expect((await post('v=0', 'text/plain')).status).toBe(415);
    expect((await fetch(`${endpoint.url}/door`)).status).toBe(405);
    expect((await fetch(`${endpoint.url}/door/00000000-0000-0000-0000-000000000000`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(new URL('/elsewhere', endpoint.url))).status).toBe(404);
    const preflight = await fetch(`${endpoint.url}/door`, { method: 'OPTIONS' });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, '*']);

    const opened = firstValueFrom(endpoint.sessions);
    const { page } = await publish(endpoint, 'door');
    expect((await takeFrames(await opened, 3)).length).toBe(3);
    await page.close();
  });
});
