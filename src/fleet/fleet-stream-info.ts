import { sourceDescription } from '../runtime/stream-manager.js';
import type { StreamInfo } from '../runtime/stream-info.js';
import type { DesiredStream } from './desired-streams.js';
import type { LeaseEntry } from './stream-leases.js';

/**
 * A fleet's stream as every gateway lists it: what the fleet should run, joined with its lease,
 * which names the worker running it and carries the stream as that worker last reported it (at
 * its last renewal, so at most a third of the lease time old). Unclaimed, it waits for a worker.
 */
export function fleetStreamInfo(desired: DesiredStream, lease: LeaseEntry | undefined): StreamInfo {
  if (lease?.stream) return { ...lease.stream, id: desired.id, origin: 'api', worker: lease.worker };
  return {
    id: desired.id,
    kind: desired.kind,
    source: sourceDescription(desired),
    origin: 'api',
    status: 'connecting',
    reason: lease ? `claimed by the worker ${lease.worker}, starting` : 'waiting for a worker with room',
    framesReceived: 0,
    framesAnalysed: 0,
    framesSkipped: 0,
    framesDropped: 0,
    analysedPerSecond: 0,
    skippedPerSecond: 0,
    droppedPerSecond: 0,
    worker: lease?.worker ?? null,
  };
}
