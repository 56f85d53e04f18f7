import { filter, firstValueFrom, timeout } from 'rxjs';
import type { LiveSource } from '../../src/ingest/live-source.js';
import type { SourceStatus } from '../../src/ingest/source-status.js';

/** Every status a source reports, from its current one on. */
export function recordStatuses(source: LiveSource): SourceStatus[] {
  const statuses: SourceStatus[] = [];
  source.status.subscribe((status) => statuses.push(status));
  return statuses;
}

/** The next status that matches, failing after a while instead of hanging. */
export function nextStatus(source: LiveSource, matches: (status: SourceStatus) => boolean, withinMs = 10_000): Promise<SourceStatus> {
  return firstValueFrom(source.status.pipe(filter(matches), timeout(withinMs)));
}

/** The states in order, with repeats of one state in a row folded: a readable summary to assert on. */
export const stateSequence = (statuses: readonly SourceStatus[]): string[] =>
  statuses.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]);
