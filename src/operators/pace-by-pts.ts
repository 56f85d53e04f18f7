import { asyncScheduler, concatMap, map, of, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { Frame } from '../ingest/frame.js';

/**
 * Lets frames through at the pace of their timestamps, as a camera would deliver them: a video
 * file played as a live stream. Frames that are late already go through at once.
 */
export function paceByPts(scheduler: SchedulerLike = asyncScheduler): OperatorFunction<Frame, Frame> {
  let origin: { pts: number; at: number } | undefined;
  return concatMap((frame) => {
    const now = scheduler.now();
    if (!origin || frame.pts < origin.pts) origin = { pts: frame.pts, at: now };
    const wait = origin.at + (frame.pts - origin.pts) * 1000 - now;
    return wait > 0 ? timer(wait, scheduler).pipe(map(() => frame)) : of(frame);
  });
}
