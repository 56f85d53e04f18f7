import {
  asyncScheduler,
  concatWith,
  defer,
  ReplaySubject,
  retry,
  Subject,
  throwError,
  timer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { backoffDelay, resolveBackoff, type Backoff } from './backoff.js';
import { EndOfStreamError, FrameFormatError, GStreamerUnavailableError, PipelineLaunchError } from './errors.js';
import type { Frame } from './frame.js';
import { checkRateControl, type RateControl } from './output-chain.js';
import { pipelineFrames, type PulledFrame } from './pipeline-frames.js';
import type { PipelinePlan } from './pipeline-plan.js';
import type { SourceState, SourceStatus } from './source-status.js';
import { watchSilence } from './watch-silence.js';

/** How a live source reconnects and when it counts as stalled. */
export interface LiveOptions {
  /** The stream id its frames and statuses carry. */
  readonly stream: string;
  /** Waits between reconnection attempts. Default: DEFAULT_BACKOFF (0.5 s doubling to 30 s, forever). */
  readonly backoff?: Backoff;
  /** No frame for this many milliseconds: status 'stalled'. Default 5000. */
  readonly stallAfterMs?: number;
  /** No frame for this many milliseconds: the connection is restarted. Default 15 000. */
  readonly restartAfterMs?: number;
  /** For the timers above and the backoff. Default: asyncScheduler. */
  readonly scheduler?: SchedulerLike;
}

/** Errors no retry can cure: the pipeline itself cannot be built or its frames cannot be read. */
const isPermanent = (error: unknown): boolean =>
  error instanceof PipelineLaunchError || error instanceof GStreamerUnavailableError || error instanceof FrameFormatError;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A live stream (camera, server, test pattern) decoded by GStreamer, from construction until
 * close(). Frames go to every subscriber of `frames` at the time (newest frame wins: while Node is
 * busy, GStreamer keeps only the latest and counts the others in skippedFrames). When the stream
 * fails, ends or goes silent, the pipeline is rebuilt after a bounded exponential backoff; `status`
 * tells each transition and why.
 */
export class LiveSource {
  readonly #stream: string;
  readonly #frames = new Subject<Frame>();
  // Replays the latest status to every subscriber, even once stopped.
  readonly #status = new ReplaySubject<SourceStatus>(1);
  #current: SourceStatus;
  // Undefined while the constructor's subscribe runs: a stream may stop within it.
  readonly #subscription: Subscription | undefined;
  #index = 0;
  #skippedInEarlierRuns = 0;
  #skippedInThisRun = 0;
  #closed = false;

  /**
   * @param source what the pipeline reads, for statuses and errors (a URL without its password)
   * @param plan a pipeline whose description ends with outputChain(options, 'newest')
   * @param options how to reconnect, and the maxFps the pulls are paced to
   */
  constructor(source: string, plan: PipelinePlan, options: LiveOptions & RateControl) {
    const { stream, stallAfterMs = 5000, restartAfterMs = 15_000, scheduler = asyncScheduler, maxFps } = options;
    checkRateControl(options);
    if (!(stallAfterMs > 0 && restartAfterMs >= stallAfterMs)) {
      throw new TypeError(`need 0 < stallAfterMs <= restartAfterMs, got ${stallAfterMs} and ${restartAfterMs}`);
    }
    const backoff = resolveBackoff(options.backoff);
    this.#stream = stream;
    this.#current = this.#statusOf('connecting', `opening ${source}`);
    this.#status.next(this.#current);

    const run = defer(() => {
      this.#startRun(source);
      return pipelineFrames(plan, { source, minPullIntervalMs: maxFps === undefined ? 0 : 1000 / maxFps });
    }).pipe(
      watchSilence<PulledFrame>(
        {
          source,
          stallAfterMs,
          failAfterMs: restartAfterMs,
          onStalled: () => this.#enter('stalled', `no frame for ${(stallAfterMs / 1000).toFixed(1)} s`),
        },
        scheduler,
      ),
      // A live stream has no end: its end is a failure to retry.
      concatWith(defer(() => throwError(() => new EndOfStreamError(source)))),
    );
    this.#subscription = run
      .pipe(
        retry({
          count: backoff.maxRetries,
          resetOnSuccess: true,
          delay: (error: unknown, retryCount: number) => {
            if (isPermanent(error)) return throwError(() => error);
            const retryInMs = backoffDelay(retryCount, backoff);
            this.#enter('reconnecting', asError(error).message, { retry: retryCount, retryInMs, error: asError(error) });
            return timer(retryInMs, scheduler);
          },
        }),
      )
      .subscribe({
        next: (frame) => this.#emit(frame),
        error: (error: unknown) => this.#stop(`gave up: ${asError(error).message}`, asError(error)),
      });
  }

  get stream(): string {
    return this.#stream;
  }

  /** Frames from now on; errors only when the source gives up, completes when it is closed. */
  get frames(): Observable<Frame> {
    return this.#frames.asObservable();
  }

  /** The current status, then every transition; completes once the source is stopped (after replaying that). */
  get status(): Observable<SourceStatus> {
    return this.#status.asObservable();
  }

  get currentStatus(): SourceStatus {
    return this.#current;
  }

  /**
   * Frames GStreamer let go without handing them to Node, beyond the rate cap or because Node had
   * not taken the previous one yet (exact to within one).
   */
  get skippedFrames(): number {
    return this.#skippedInEarlierRuns + this.#skippedInThisRun;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the pipeline and ends `frames` and `status` (the last status says why). Safe to call more than once. */
  close(reason = 'closed'): void {
    this.#stop(reason);
  }

  #statusOf(state: SourceState, reason: string, details: Partial<SourceStatus> = {}): SourceStatus {
    return { stream: this.#stream, state, reason, at: Date.now(), ...details };
  }

  #enter(state: SourceState, reason: string, details: Partial<SourceStatus> = {}): void {
    if (this.#closed) return;
    this.#current = this.#statusOf(state, reason, details);
    this.#status.next(this.#current);
  }

  #startRun(source: string): void {
    this.#skippedInEarlierRuns += this.#skippedInThisRun;
    this.#skippedInThisRun = 0;
    if (this.currentStatus.state !== 'connecting') this.#enter('connecting', `opening ${source}`);
  }

  #emit({ pts, width, height, data, skippedSoFar }: PulledFrame): void {
    this.#skippedInThisRun = skippedSoFar;
    const { state } = this.currentStatus;
    if (state !== 'playing') this.#enter('playing', `frames flow at ${width}x${height}${state === 'stalled' ? ' again' : ''}`);
    this.#frames.next({ stream: this.#stream, index: this.#index++, pts, width, height, data });
  }

  #stop(reason: string, error?: Error): void {
    if (this.#closed) return;
    this.#enter('stopped', reason, error ? { error } : {});
    this.#closed = true;
    this.#subscription?.unsubscribe();
    if (error) this.#frames.error(error);
    else this.#frames.complete();
    this.#status.complete();
  }
}
