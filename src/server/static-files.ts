import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Reply, type Router } from './http.js';
import { HttpError } from './errors.js';

/** The built dashboard (`npm run build`); src/server and dist/server are both two levels down. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may load only its own scripts and styles and talk only to its own server. Styles may be
 * inline because Lit sets style attributes (bar widths, tag colours).
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A folder of built files, served read-only: content types by extension, nothing outside the
 * folder, no hidden files, and index.html for any path without an extension (the page's own
 * routes, such as /people). Vite names assets by their hash, so those may be cached for good.
 */
export class StaticFiles {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The reply for a decoded URL path. */
  async reply(path: string): Promise<Reply> {
    const file = this.fileAt(path);
    const found = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return this.fileReply(file);
    if (extname(path) !== '') throw new HttpError(404, `no such file: ${path}`);
    return this.fileReply(this.fileAt('/index.html'));
  }

  private fileAt(path: string): string {
    const segments = path.split('/').filter((s) => s !== '');
    if (path.includes('\0') || segments.some((s) => s.startsWith('.'))) throw new HttpError(404, `no such file: ${path}`);
    const file = resolve(this.root, ...(segments.length === 0 ? ['index.html'] : segments));
    // Segments may hold an encoded "/" ("..%2F.."), decoded by the router: check where they led.
    if (!file.startsWith(this.root + sep)) throw new HttpError(404, `no such file: ${path}`);
    return file;
  }

  private async fileReply(file: string): Promise<Reply> {
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      throw new HttpError(404, `the dashboard is not built in ${this.root}: run npm run build`);
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const immutable = file.startsWith(resolve(this.root, 'assets') + sep);
    return {
      status: 200,
      body,
      type,
      headers: {
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
        ...(type.startsWith('text/html') && { 'content-security-policy': PAGE_POLICY, 'referrer-policy': 'no-referrer' }),
      },
    };
  }
}

/**
 * Routes for the dashboard at `/`, after every API route: `/`, files at the top (favicon, the
 * page's own routes) and under `/assets/`.
 */
export function addDashboardRoutes(router: Router, files = new StaticFiles(DASHBOARD_DIR)): void {
  router.add('GET', '/', () => files.reply('/'));
  router.add('GET', '/:file', ({ params }) => files.reply(`/${params.file}`));
  router.add('GET', '/assets/:file', ({ params }) => files.reply(`/assets/${params.file}`));
}
