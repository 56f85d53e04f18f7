import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, Router, type Reply } from '../../src/server/http.js';
import { addDashboardRoutes, StaticFiles } from '../../src/server/static-files.js';
import { scratchDir } from '../support/fixtures.js';
import { HttpError } from '../../src/server/errors.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A reply as the server writes it (app.ts): its status, headers and type, JSON as JSON. */
function send(res: ServerResponse, reply: Reply): void {
  const type = reply.json !== undefined ? 'application/json; charset=utf-8' : reply.type;
  res.writeHead(reply.status, { ...reply.headers, ...(type !== undefined && { 'content-type': type }) });
  res.end(reply.json !== undefined ? JSON.stringify(reply.json) : reply.body);
}

/** A server with one API route, then the dashboard's routes over `root`, as MienServer has them. */
async function serve(root: string): Promise<{ server: Server; request: (path: string) => Promise<Answer> }> {
  const router = new Router();
  router.add('GET', '/healthz', () => json(200, { status: 'ok' }));
  addDashboardRoutes(router, new StaticFiles(root));
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => {
        const { route, params } = router.match(req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost').pathname);
        return route.handler({ req, params, query: new URLSearchParams(), body: undefined });
      })
      .then(
        (reply) => send(res, reply),
        (error: unknown) => send(res, json(error instanceof HttpError ? error.status : 500, { error: (error as Error).message })),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Raw paths: fetch would normalise the dot segments these tests send on purpose.
  const request = (path: string) =>
    new Promise<Answer>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', reject);
    });
  return { server, request };
}

describe('the dashboard files', () => {
  const parent = scratchDir();
  const root = join(parent, 'dist');
  let built: Awaited<ReturnType<typeof serve>>;
  let unbuilt: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Mien</title>');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'assets', 'index-3f2a.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-3f2a.css'), 'body{}');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(parent, 'secret.txt'), 'outside the folder');
    built = await serve(root);
    unbuilt = await serve(join(parent, 'nothing-here'));
  });
  afterAll(() => {
    built.server.close();
    unbuilt.server.close();
  });

  it('serves the page at / with its content type, no caching and a policy keeping it to its own server', async () => {
    const page = await built.request('/');
    expect([page.status, page.headers['content-type'], page.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    expect(page.body).toContain('<title>Mien</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their content types, cached for good since their names carry their hash', async () => {
    const script = await built.request('/assets/index-3f2a.js');
    expect([script.status, script.headers['content-type'], script.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect(script.body).toBe('console.log(1)');
    expect((await built.request('/assets/index-3f2a.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await built.request('/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
  });

  it("answers the page's own routes with index.html, and a missing file with 404", async () => {
    const people = await built.request('/people');
    expect([people.status, people.body]).toEqual([200, '<!doctype html><title>Mien</title>']);
    expect((await built.request('/missing.js')).status).toBe(404);
    expect((await built.request('/assets/missing.css')).status).toBe(404);
  });

  it('leaves the API its own routes', async () => {
    const health = await built.request('/healthz');
    expect([health.status, health.body]).toEqual([200, '{"status":"ok"}']);
  });

  it('never serves a file outside the folder, nor a hidden one', async () => {
    for (const path of ['/assets/..%2F..%2Fsecret.txt', '/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/.env', '/assets/..%2F.env', '/%00index.html']) {
      const answer = await built.request(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain('outside the folder');
      expect(answer.body, path).not.toContain('SECRET');
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    const page = await unbuilt.request('/');
    expect(page.status).toBe(404);
    expect(JSON.parse(page.body).error).toMatch(/the dashboard is not built in .*nothing-here: run npm run build/);
  });
});
