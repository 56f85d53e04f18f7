import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';
import type { Frame } from '../ingest/frame.js';

/**
 * Runs `analyse` on one batch of frames at a time, newest frame of each stream first: while a
 * batch is being analysed, each stream keeps only its latest frame, and every frame replaced
 * unanalysed is reported to `onDrop`. Latency stays bounded however far analysis falls behind a
 * live source, and streams take turns (one frame each per batch). Completes once the source has
 * and the last batch is done.
 *
 * @example frames$.pipe(analyseNewest((batch) => analyse(batch), 8, (f) => dropped.inc({ stream: f.stream })))
 */
export function analyseNewest<R>(analyse: (batch: Frame[]) => ObservableInput<R>, maxBatch: number, onDrop: (frame: Frame) => void = () => {}): OperatorFunction<Frame, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const waiting = new Map<string, Frame>();
      let busy = false;
      let sourceDone = false;
      let running: Subscription | undefined;

      const next = (): void => {
        if (busy) return;
        if (waiting.size === 0) {
          if (sourceDone) subscriber.complete();
          return;
        }
        const batch = [...waiting.values()].slice(0, maxBatch);
        for (const frame of batch) waiting.delete(frame.stream);
        busy = true;
        running = from(analyse(batch)).subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            busy = false;
            next();
          },
        });
      };

      const subscription = source.subscribe({
        next: (frame) => {
          const stale = waiting.get(frame.stream);
          if (stale) onDrop(stale);
          // Re-inserting moves the stream to the back of the queue: streams take turns.
          waiting.delete(frame.stream);
          waiting.set(frame.stream, frame);
          next();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          next();
        },
      });
      return () => {
        subscription.unsubscribe();
        running?.unsubscribe();
      };
    });
}
