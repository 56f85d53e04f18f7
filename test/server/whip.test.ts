import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { MienServer } from '../../src/server/server.js';
import type { StreamInfo } from '../../src/server/api-types.js';
import { fixture, scratchDir } from '../support/fixtures.js';
import { api, until } from '../support/server.js';

const TOKEN = 'whip-test-token-0123456789';
const PUBLISHER = fileURLToPath(new URL('../ingest/programs/whip-publisher.js', import.meta.url));

let browser: Browser;
let server: MienServer;
beforeAll(async () => {
  // Chromium's fake camera plays a Y4M file of a GRID speaker, in a loop.
  const camera = join(scratchDir(), 'camera.y4m');
  execFileSync('ffmpeg', ['-v', 'error', '-i', fixture('video/grid/bbaf2n.mp4'), '-pix_fmt', 'yuv420p', camera]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`, '--disable-features=WebRtcHideLocalIpsWithMdns'],
  });
  server = await MienServer.start(loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), token: TOKEN } }), { log: () => {} });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('WebRTC publishers on the server’s own port', () => {
  it('fills a reserved slot with a browser camera published with the token, analysed as any stream', async () => {
    const http = api(server.url, TOKEN);
    expect((await http.send('POST', '/api/streams', { kind: 'whip', id: 'guest' })).status).toBe(201);
    // The server's own origin: a loopback page may use the camera, and its requests are same-origin
    // (the dashboard's content policy forbids the publisher's injected script: bypassed here).
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(server.url);
    await page.addScriptTag({ path: PUBLISHER });
    const location = String(await page.evaluate(`publishToWhip(${JSON.stringify(`${server.url}/whip/guest`)}, ${JSON.stringify(TOKEN)})`));
    expect(location).toMatch(/^\/whip\/guest\/[0-9a-f-]{36}$/);

    const guest = async () => ((await http.get('/api/streams/guest')).body as StreamInfo);
    await until(async () => (await guest()).framesAnalysed >= 5, 60_000);
    expect(await guest()).toMatchObject({ kind: 'whip', origin: 'api', status: 'playing' });
    const faces = (await http.get('/api/events?stream=guest&kind=face')).body as { events: unknown[] };
    expect(faces.events.length).toBeGreaterThan(0);

    // Ending the session takes the token too.
    expect((await fetch(new URL(location, server.url), { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(new URL(location, server.url), { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    await until(async () => (await guest()).status === 'stopped', 10_000);
    expect((await guest()).reason).toBe('the publisher ended the session');
    await page.close();
  }, 120_000);
});
