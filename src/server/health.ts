import { json, type Router } from './http.js';
import type { Registry } from 'prom-client';

/**
 * What the server says of itself at /readyz: `starting` until it listens, `stopped` once the
 * analysis failed for good; a fleet gateway, `cut-off` while it cannot reach NATS.
 */
export type Readiness = 'starting' | 'ok' | 'stopped' | 'cut-off';

/**
 * The server's health, for orchestrators and Prometheus: /healthz (the process answers), /readyz
 * (it analyses) and /metrics. Open without the token: they tell nothing of faces or people.
 */
export class Health {
  constructor(
    private readonly metrics: { readonly registry: Registry },
    private readonly readiness: () => Readiness,
    /** Sets the gauges that are read rather than counted, just before a scrape. */
    private readonly beforeScrape: () => void | Promise<void>,
  ) {}

  routes(router: Router): void {
    router.add('GET', '/healthz', () => json(200, { status: 'ok' }));
    router.add('GET', '/readyz', () => {
      const status = this.readiness();
      return json(status === 'ok' ? 200 : 503, { status });
    });
    router.add('GET', '/metrics', async () => {
      await this.beforeScrape();
      return { status: 200, body: await this.metrics.registry.metrics(), type: this.metrics.registry.contentType };
    });
  }
}
