import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverForTests } from '../support/test-server.js';

// The desk's own web page, on another origin than Mien's (another port); the same server under the
// name localhost is another origin again, and not an allowed one.
const deskSite = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>desk</title>'));
await new Promise<void>((resolve) => deskSite.listen(0, '127.0.0.1', resolve));
const { port } = deskSite.address() as AddressInfo;
const DESK = `http://127.0.0.1:${port}`;
const OTHER = `http://localhost:${port}`;
const running = serverForTests({ allowedOrigins: [DESK] });

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  deskSite.close();
});

/** What a browser on `origin` sends before a JSON change: the preflight. */
const preflight = (origin: string, path = '/api/streams', method = 'POST') =>
  fetch(`${running.server.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' } });

describe('a page of an allowed origin (allowedOrigins)', () => {
  it('passes the preflight of a JSON change, then may change things and read every answer', async () => {
    const answer = await preflight(DESK);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(DESK);
    expect(answer.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(answer.headers.get('access-control-allow-headers')).toMatch(/content-type/);

    const added = await fetch(`${running.server.url}/api/streams`, { method: 'POST', headers: { origin: DESK, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'test', id: 'desk' }) });
    expect(added.status).toBe(201);
    expect(added.headers.get('access-control-allow-origin')).toBe(DESK);
    const refused = await fetch(`${running.server.url}/api/streams`, { method: 'POST', headers: { origin: DESK, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'test', id: 'desk' }) });
    expect(refused.status).toBe(409);
    // The page reads why, as the operator's own page would.
    expect(refused.headers.get('access-control-allow-origin')).toBe(DESK);
    expect(((await refused.json()) as { error: string }).error).toMatch(/already exists/);
    expect((await fetch(`${running.server.url}/api/streams/desk`, { method: 'DELETE', headers: { origin: DESK } })).status).toBe(204);
  });

  it('lets a page of the desk add a stream from Chromium, and keeps a page of another origin out', async () => {
    /** Adds a test stream from a page of `origin`; the status, or the browser's refusal. */
    const addFrom = async (origin: string, id: string): Promise<number | string> => {
      const page = await browser.newPage();
      try {
        await page.goto(origin);
        const script = `fetch(${JSON.stringify(`${running.server.url}/api/streams`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'test', id: ${JSON.stringify(id)} }) })
          .then((r) => r.status, (e) => 'blocked: ' + e.message)`;
        return await page.evaluate<number | string>(script);
      } finally {
        await page.close();
      }
    };
    expect(await addFrom(DESK, 'from-desk')).toBe(201);
    expect(await addFrom(OTHER, 'from-other')).toMatch(/^blocked/);
    expect(running.server.streams.get('from-other')).toBeUndefined();
    expect((await fetch(`${running.server.url}/api/streams/from-desk`, { method: 'DELETE' })).status).toBe(204);
  }, 60_000);

  it('answers no other origin, and no preflight for a route that does not exist', async () => {
    const foreign = await preflight(OTHER);
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await foreign.json()) as { error: string }).error).toMatch(/allowedOrigins only/);
    expect((await preflight(DESK, '/api/nothing-here')).status).toBe(404);
    expect((await preflight(DESK, '/api/streams', 'PUT')).status).toBe(405);
    const read = await fetch(`${running.server.url}/api/streams`, { headers: { origin: OTHER } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});
