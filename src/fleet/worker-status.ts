import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Why a worker is not ready, or undefined when it is. */
export type NotReady = string | undefined;

/**
 * A worker's own small HTTP server, for its orchestrator and Prometheus: `/healthz` (the process
 * answers), `/readyz` (it can run streams: NATS reachable, the analysis running) and `/metrics`.
 * It says nothing of faces or people, so it needs no token.
 */
export class WorkerStatus {
  private constructor(private readonly server: Server) {}

  static async listen(port: number, host: string, registry: Registry, notReady: () => NotReady): Promise<WorkerStatus> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://worker').pathname;
      const answer = (status: number, body: string, type = 'application/json') => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      if (req.method !== 'GET') return answer(405, JSON.stringify({ error: `${req.method} is not allowed here` }));
      if (path === '/healthz') return answer(200, JSON.stringify({ status: 'ok' }));
      if (path === '/readyz') {
        const reason = notReady();
        return answer(reason === undefined ? 200 : 503, JSON.stringify(reason === undefined ? { status: 'ok' } : { status: 'not ready', reason }));
      }
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => answer(200, text, registry.contentType),
          (error: unknown) => answer(500, JSON.stringify({ error: `metrics not read: ${(error as Error).message}` })),
        );
        return;
      }
      answer(404, JSON.stringify({ error: `no such resource: ${path} (try /healthz, /readyz or /metrics)` }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new WorkerStatus(server);
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
