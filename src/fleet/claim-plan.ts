/** What a worker knows when it decides which streams to claim. */
export interface ClaimState {
  /** The streams the fleet should run. */
  readonly desired: readonly string[];
  /** Streams some worker holds a live lease on (this one's included). */
  readonly leased: ReadonlySet<string>;
  /** Streams this worker runs. */
  readonly held: ReadonlySet<string>;
  /** How many streams this worker runs at most. */
  readonly capacity: number;
}

/**
 * The streams to try to claim now: free ones (desired, unleased), in id order, no more than the
 * capacity left and no more than `perRound`. Claiming one at a time per round spreads streams
 * over workers that start together instead of the first taking all it can hold.
 */
export function streamsToClaim({ desired, leased, held, capacity }: ClaimState, perRound = 1): string[] {
  const room = Math.max(0, Math.min(capacity - held.size, perRound));
  return desired
    .filter((stream) => !leased.has(stream) && !held.has(stream))
    .sort()
    .slice(0, room);
}

/** Streams this worker runs that the fleet no longer wants: to be stopped and let go. */
export function streamsToRelease({ desired, held }: Pick<ClaimState, 'desired' | 'held'>): string[] {
  const wanted = new Set(desired);
  return [...held].filter((stream) => !wanted.has(stream)).sort();
}
