import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, scratchDir } from '../support/fixtures.js';
import { startServerProcess, stopServerProcess as stopServer, type ServerProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/dashboard/', import.meta.url));
const TOKEN = 'dashboard-e2e-token-0123456789';
const SMILE = fixture('faces/london/002_08.jpg');

/** `mien serve` with a token, its own data and the fixture videos as its media root. */
const startServer = (dataDir: string, port = 0) =>
  startServerProcess(['--port', String(port), '--data', dataDir], { MIEN_TOKEN: TOKEN, MIEN_MEDIA_ROOT: fixture('video') });

describe('the dashboard in a browser, served by mien serve', () => {
  const dataDir = scratchDir();
  const pageErrors: string[] = [];
  const policyViolations: string[] = [];
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  const screenshot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const status = () => page.locator('mien-connection-status [role="status"]');
  const view = async (name: RegExp) => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name }).click();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The test checks the dashboard as it is now, not as it was last built.
    // NODE_ENV is "test" under vitest, which would build Lit's development mode.
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'dashboard', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    server = await startServer(dataDir);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      // A closed network: no background connections, no component updates.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message: ConsoleMessage) => {
      if (/Content.Security.Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server.process);
  });

  it('asks for the token, says when it is refused, and goes live with the right one', async () => {
    await page.goto(server.url);
    await page.getByText('This server needs its access token.').waitFor();
    expect(await status().textContent()).toBe('Token needed');

    await page.getByLabel('Access token').fill('not-the-token-0123456789');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('The server refused this token.').waitFor();
    expect(await status().textContent()).toBe('Token refused');
    await screenshot('token-refused');

    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByLabel('Access token').press('Enter');
    await status().getByText('Live').waitFor();
    expect(await page.getByText('The server refused this token.').count()).toBe(0);
  });

  it('adds a smiling reference through its file input, and the smile shows on the person’s timeline', async () => {
    const added = await fetch(`${server.url}/api/streams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'file', path: 'cremad-1001-six-emotions.mp4', id: 'cremad', loop: true }),
    });
    expect(added.status).toBe(201);
    // The stream's card, with its live preview once a frame is analysed.
    await page.locator('mien-stream-card img').waitFor({ timeout: 60_000 });

    await view(/Custom expressions/);
    expect(new URL(page.url()).pathname).toBe('/expressions');
    await page.locator('mien-reference-form input[name="picture"]').setInputFiles(SMILE);
    await page.getByLabel('Tags').fill('smile');
    await page.getByRole('button', { name: 'Add expression' }).click();
    const card = page.locator('mien-reference-card[highlighted]');
    await card.getByText('the face Mien found').waitFor({ timeout: 60_000 });
    expect(await card.locator('.chip').textContent()).toBe('smile');
    // The crop is fetched with the token and shown from memory: without the token it is refused.
    expect(await card.locator('img').getAttribute('src')).toMatch(/^blob:/);
    expect(await card.locator('img').evaluate(async (element) => {
      const img = element as unknown as { decode(): Promise<void>; naturalWidth: number };
      await img.decode();
      return img.naturalWidth;
    })).toBeGreaterThan(0);
    const { references } = (await (await fetch(`${server.url}/api/references`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { references: { crop: string }[] };
    const crop = references[0].crop;
    expect((await fetch(new URL(crop, server.url))).status).toBe(401);
    const withToken = await fetch(new URL(crop, server.url), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([withToken.status, withToken.headers.get('content-type')]).toEqual([200, 'image/png']);
    await screenshot('expressions');

    await view(/People/);
    // The clip smiles from 2.0 to 3.9 s and plays in a loop: the next pass tags it.
    const smile = page.locator('mien-person-card mien-tag-timeline li.segment[data-tag="smile"]').first();
    await smile.waitFor({ timeout: 120_000 });
    // Read against the man's own resting face, the segment says how strongly he smiled.
    expect(await smile.getAttribute('title')).toMatch(/^smile, intensity \d+\.\d /);
    await page.getByRole('radio', { name: '1 min' }).check();
    await page.waitForTimeout(1_500);
    await screenshot('people-smile');

    // His face on screen as a reference, from his card (pinned by number: the cards re-sort as people are seen).
    const number = /#\d+ ·/.exec((await page.locator('mien-person-card .facts').first().textContent()) ?? '')![0];
    const person = page.locator('mien-person-card').filter({ hasText: number });
    await person.getByRole('button', { name: 'Use this face as a reference' }).click();
    await person.getByLabel('Tags', { exact: true }).fill('his look');
    await person.getByLabel('Tags', { exact: true }).press('Enter');
    await person.getByRole('link', { name: 'See it in Custom expressions' }).waitFor();
    await screenshot('people-own-face');
    await person.getByRole('link', { name: 'See it in Custom expressions' }).click();
    const own = page.locator('mien-reference-card[highlighted]');
    await own.getByText('read against: their own face on screen').waitFor();
    expect(new URL(page.url()).pathname).toBe('/expressions');
    expect(await own.locator('.chip').textContent()).toBe('his look');
    await screenshot('expressions-own-face');
    await page.setViewportSize({ width: 2560, height: 1440 });
    await view(/Streams/);
    await page.locator('mien-stream-card img').waitFor();
    await screenshot('streams-wall-screen');
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 300_000);

  it('follows a view link from the keyboard, and a reload draws the timeline from the event history', async () => {
    const removed = await fetch(`${server.url}/api/streams/cremad`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(removed.status).toBe(204);
    await view(/Streams/);
    await page.getByRole('link', { name: /^People/ }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/people$/);
    // The view's own address gets the page (index.html fallback); with no stream left, only the
    // history can draw the smile.
    await page.reload();
    await page.locator('mien-person-card mien-tag-timeline li.segment[data-tag="smile"]').first().waitFor();
  });

  it('shows the server down, then reconnects by itself when it is back', async () => {
    const port = new URL(server.url).port;
    await stopServer(server.process);
    await page.getByText('does not answer').waitFor({ timeout: 30_000 });
    expect(await status().textContent()).toBe('Server unreachable');
    await screenshot('server-down');

    server = await startServer(dataDir, Number(port));
    await status().getByText('Live').waitFor({ timeout: 60_000 });
    // People and their references outlived the restart (SQLite).
    await page.locator('mien-person-card').first().waitFor();
    expect(pageErrors).toEqual([]);
    expect(policyViolations).toEqual([]);
  }, 120_000);
});
