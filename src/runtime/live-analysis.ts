import type { Subscription } from 'rxjs';
import type { EventBus } from '../events/event-bus.js';
import type { MienEvent } from '../events/events.js';
import type { ExpressionReference } from '../expression/matching.js';
import type { Frame } from '../ingest/frame.js';
import type { AnalysisOptions, ExpressionAnalysis } from '../operators/analysis-pipeline.js';
import type { FrameAnalysis } from '../operators/frame-analysis.js';
import type { AnalysisRuntime } from './analysis-runtime.js';
import { StreamManager } from './stream-manager.js';

/** What the owner of a live analysis hears: enough for metrics, previews and a catalog of streams. */
export interface LiveAnalysisHooks {
  /** Each frame received, with how many frames its source skipped since the previous one. */
  readonly onFrame?: (frame: Frame, skippedSince: number) => void;
  /** A stream starts, before its first frame. */
  readonly onStarted?: (stream: string) => void;
  /** Each analysed frame, after its events were published. */
  readonly onAnalysed?: (record: FrameAnalysis, events: readonly MienEvent[]) => void;
  /** A frame replaced by a newer one of its stream while the analysis was busy. */
  readonly onDropped?: (frame: Frame) => void;
  /** A batch whose analysis failed: skipped, and the analysis goes on. Default: said once per stream on stderr. */
  readonly onBatchFailed?: (error: Error, frames: readonly Frame[]) => void;
  /** A stream stopped for good (it ended, failed or was removed): the ends of its open tags follow. */
  readonly onEnded?: (stream: string) => void;
  /** A stream that stopped is done with: its open tags' ends are published and the analysis forgot it. */
  readonly onFreed?: (stream: string) => void;
  /** The analysis ended on a failure no batch absorbed: nothing more is analysed. */
  readonly onStopped?: (error: unknown) => void;
}

export interface LiveAnalysisOptions extends Omit<AnalysisOptions, 'space' | 'onAnalysed' | 'onBatchFailed'> {
  /** Frames per second analysed per stream at most: sources skip the others. */
  readonly fps: number;
  /** The references matched, read at each frame (they change while streams run). */
  readonly references: () => readonly ExpressionReference[];
  readonly hooks?: LiveAnalysisHooks;
}

/**
 * Streams analysed live: every stream's frames join one analysis, whose events go to `bus`.
 * `streams.add` and `streams.remove` start and stop a stream; one that stops for any reason has
 * its open tags ended (published) and its state in the analysis freed. What `mien serve` runs,
 * and what a stream worker runs.
 */
export class LiveAnalysis {
  readonly streams: StreamManager;
  readonly analysis: ExpressionAnalysis;
  /** Streams being ended in the analysis: their tag-end events are on the way. */
  private readonly ending = new Set<Promise<void>>();
  private readonly subscription: Subscription;
  private failed = false;

  constructor(runtime: AnalysisRuntime, bus: EventBus, options: LiveAnalysisOptions) {
    const { fps, references, hooks = {}, ...analysisOptions } = options;
    this.analysis = runtime.analysis(references, {
      ...analysisOptions,
      onAnalysed: (record, events) => {
        this.streams.countAnalysed(record.frame.stream);
        hooks.onAnalysed?.(record, events);
      },
      onBatchFailed: hooks.onBatchFailed,
    });
    this.streams = new StreamManager(bus, fps, {
      onFrame: hooks.onFrame,
      onStarted: (stream) => {
        this.analysis.startStream(stream);
        hooks.onStarted?.(stream);
      },
      onEnded: (stream, reason) => {
        hooks.onEnded?.(stream);
        this.track(this.analysis.endStream(stream, reason).then((events) => {
          for (const event of events) bus.publish(event);
          hooks.onFreed?.(stream);
        }));
      },
    });
    const dropped = (frame: Frame): void => {
      this.streams.countDropped(frame.stream);
      hooks.onDropped?.(frame);
    };
    this.subscription = this.streams.allFrames.pipe(this.analysis.liveEvents(dropped)).subscribe({
      next: (event) => bus.publish(event),
      error: (error: unknown) => {
        this.failed = true;
        hooks.onStopped?.(error);
      },
    });
  }

  /** Whether the analysis ended on a failure: the streams may play, but nothing is analysed. */
  get stopped(): boolean {
    return this.failed;
  }

  /** How many streams the analysis holds state for, per kind of state, once the ending ones are freed: all 0 with no stream running. */
  async streamState(): Promise<ReturnType<ExpressionAnalysis['streamState']>> {
    await this.ended();
    return this.analysis.streamState();
  }

  /** Stops every stream; resolves once their open tags' ends are published. Safe to call twice. */
  async close(reason?: string): Promise<void> {
    this.streams.close(reason);
    await this.ended();
    this.subscription.unsubscribe();
  }

  private ended(): Promise<unknown> {
    return Promise.all([...this.ending]);
  }

  private track(ending: Promise<void>): void {
    const settled: Promise<void> = ending.then(
      () => void this.ending.delete(settled),
      (error: unknown) => {
        this.ending.delete(settled);
        console.error('mien: ending a stream in the analysis failed:', error);
      },
    );
    this.ending.add(settled);
  }
}
