import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { StallError } from './errors.js';

export interface SilenceLimits {
  /** What is watched, for the StallError's message. */
  readonly source: string;
  /** Quiet for this long (from subscription or the last value): onStalled is called, once per silence. */
  readonly stallAfterMs: number;
  /** Quiet for this long: the stream errors with StallError, so that a retry can restart it. */
  readonly failAfterMs: number;
  readonly onStalled: () => void;
}

/**
 * Mirrors the source while values keep coming; reports a silence, then fails it.
 *
 * ```ts
 * frames.pipe(watchSilence({ source: url, stallAfterMs: 5000, failAfterMs: 15000, onStalled: () => log('stalled') }))
 * ```
 */
export function watchSilence<T>(limits: SilenceLimits, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let stallTimer: Subscription | undefined;
      let failTimer: Subscription | undefined;
      const arm = (): void => {
        stallTimer?.unsubscribe();
        failTimer?.unsubscribe();
        stallTimer = scheduler.schedule(limits.onStalled, limits.stallAfterMs);
        failTimer = scheduler.schedule(() => subscriber.error(new StallError(limits.source, limits.failAfterMs)), limits.failAfterMs);
      };
      arm();
      const subscription = source.subscribe({
        next: (value) => {
          arm();
          subscriber.next(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        stallTimer?.unsubscribe();
        failTimer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
