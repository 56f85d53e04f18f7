import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { lockDataDirectory, type DataLock } from '../store/data-lock.js';
import { MienStores } from '../store/mien-stores.js';
import { isLoopback } from './auth.js';
import type { ServerConfig } from './config.js';
import { ConfigError } from './errors.js';
import type { EventRecorder } from './event-recorder.js';
import type { Health } from './health.js';
import { json, Router } from './http.js';
import type { IdentityCatalog } from './identity-catalog.js';
import { OPENAPI } from './openapi.js';
import type { ReferenceCatalog } from './reference-catalog.js';
import { addDashboardRoutes } from './static-files.js';
import type { StreamPreviews } from './stream-previews.js';

/*
 * What `mien serve` and a fleet gateway share: a data directory of their own, the API's routes,
 * the address they listen on.
 */

/** The streams' routes: one process's streams, or a fleet's. */
export interface StreamRoutes {
  /** `removed` hears of each stream removed. */
  routes(router: Router, removed: (id: string) => void): void;
}

/** Refuses to serve beyond loopback without a token. */
export function checkExposure(config: ServerConfig): void {
  if (!config.token && !isLoopback(config.host)) {
    throw new ConfigError(`refusing to listen on ${config.host} without a token: set MIEN_TOKEN (or "token" in the config file), or bind to 127.0.0.1`);
  }
}

/** Claims the data directory for this process and opens Mien's stores in it; `use` owns both from then on, or they are let go when it throws. */
export async function withDataDirectory<T>(dataDir: string, use: (stores: MienStores, lock: DataLock) => Promise<T>): Promise<T> {
  mkdirSync(join(dataDir, 'thumbnails'), { recursive: true });
  const lock = lockDataDirectory(dataDir);
  const stores = MienStores.inDataDir(dataDir);
  try {
    return await use(stores, lock);
  } catch (error) {
    stores.close();
    lock.release();
    throw error;
  }
}

/** Every route of the API, then the dashboard's. */
export function apiRoutes(parts: { health: Health; catalog: StreamRoutes; previews: StreamPreviews; references: ReferenceCatalog; people: IdentityCatalog; recorder: EventRecorder }): Router {
  const { health, catalog, previews, references, people, recorder } = parts;
  const router = new Router();
  health.routes(router);
  router.add('GET', '/api/openapi.json', () => json(200, OPENAPI));
  catalog.routes(router, (id) => previews.forget(id));
  previews.routes(router);
  references.routes(router);
  people.routes(router);
  recorder.routes(router);
  // Last: the dashboard's routes take whatever single-segment path the API does not.
  addDashboardRoutes(router);
  return router;
}

/** http://host:port `app` listens on. */
export function listeningUrl(app: FastifyInstance, host: string): string {
  const { port } = app.server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
