import { randomBytes } from 'node:crypto';
import type { DesiredStream, DesiredStreams } from '../fleet/desired-streams.js';
import { fleetStreamInfo } from '../fleet/fleet-stream-info.js';
import type { StreamLeases } from '../fleet/stream-leases.js';
import { confinedMediaPath } from '../ingest/media-root.js';
import type { StreamInfo } from '../runtime/stream-info.js';
import type { StreamRequestBody } from './api-types.js';
import { HttpError } from './errors.js';
import { json, type Router } from './http.js';
import { streamRequest, type StreamCatalogOptions } from './stream-catalog.js';

/**
 * A fleet gateway's streams: the fleet's desired state, which this and every other gateway
 * writes and every worker reads, listed with each stream's lease (who runs it, and how). A request
 * is checked as `mien serve` checks it (a path confined to this gateway's media root, a URL and an
 * SDP read) and kept as asked: each worker confines a path to its own media root again.
 */
export class FleetStreamCatalog {
  constructor(
    private readonly desired: DesiredStreams,
    private readonly leases: StreamLeases,
    private readonly options: StreamCatalogOptions,
  ) {}

  async list(): Promise<StreamInfo[]> {
    const [desired, leases] = await fleetCall(Promise.all([this.desired.list(), this.leases.entries()]));
    return desired.map((stream) => fleetStreamInfo(stream, leases.get(stream.id)));
  }

  /** POST /api/streams: in the fleet's desired state, for a worker with room to claim. */
  async add(body: StreamRequestBody): Promise<StreamInfo> {
    if (body.kind === 'whip') throw new HttpError(409, 'a WebRTC publisher sends to the process it reaches: publish to a `mien serve` without NATS; a fleet takes RTSP, RTP, files and test patterns');
    streamRequest(body, (path) => confinedMediaPath(this.options.mediaRoot, path));
    const stream: DesiredStream = { ...body, id: body.id ?? `stream-${randomBytes(4).toString('hex')}` };
    if (!(await fleetCall(this.desired.create(stream)))) throw new HttpError(409, `a stream "${stream.id}" already exists`);
    return fleetStreamInfo(stream, undefined);
  }

  /** DELETE /api/streams/:id: out of the desired state; its worker stops it at its next round. */
  async remove(id: string): Promise<void> {
    if (!(await fleetCall(this.desired.get(id)))) throw new HttpError(404, `no stream "${id}"`);
    await fleetCall(this.desired.remove(id));
  }

  /**
   * The config file's streams join the fleet's desired state, unless it has streams of their ids:
   * one removed over the API comes back when a gateway starts with it declared.
   */
  async restore(): Promise<void> {
    for (const stream of this.options.declared) {
      if (stream.kind === 'whip') this.options.log(`mien gateway: the WHIP slot "${stream.id}" of the config file is left out: a fleet takes no WebRTC publishers`);
      else if (await this.desired.create(stream)) this.options.log(`mien gateway: the stream "${stream.id}" of the config file joined the fleet`);
    }
  }

  /** GET, POST and DELETE of /api/streams; `removed` hears of each stream removed. */
  routes(router: Router, removed: (id: string) => void): void {
    router.add('GET', '/api/streams', async () => json(200, { streams: await this.list() }));
    router.add('POST', '/api/streams', async ({ body }) => json(201, await this.add(body as StreamRequestBody)), { body: { kind: 'json', schema: 'StreamRequest' } });
    router.add('GET', '/api/streams/:id', async ({ params }) => {
      const desired = await fleetCall(this.desired.get(params.id));
      if (!desired) throw new HttpError(404, `no stream "${params.id}"`);
      return json(200, fleetStreamInfo(desired, (await fleetCall(this.leases.entries())).get(desired.id)));
    });
    router.add('DELETE', '/api/streams/:id', async ({ params }) => {
      await this.remove(params.id);
      removed(params.id);
      return { status: 204 };
    });
  }
}

/** A call to the fleet's NATS server: one that fails is the fleet's trouble (503), not the caller's. */
async function fleetCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new HttpError(503, `the fleet's NATS server did not answer: ${(error as Error).message}`);
  }
}
