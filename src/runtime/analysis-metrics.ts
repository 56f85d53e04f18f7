import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MienEvent } from '../events/events.js';
import type { InferenceRun } from '../models/session.js';
import type { LiveAnalysisHooks } from './live-analysis.js';

/**
 * The Prometheus metrics of a live analysis, wherever it runs (`mien serve`, `mien worker`): the
 * same names, so the same dashboards and alerts read both. Named by Prometheus conventions with
 * the `mien_` prefix, plus the default process and Node.js metrics (event-loop lag among them)
 * under the same prefix.
 */
export class AnalysisMetrics {
  readonly registry = new Registry();
  readonly framesReceived = this.counter('mien_frames_received_total', 'Frames decoded and handed to analysis', ['stream']);
  readonly framesAnalysed = this.counter('mien_frames_analysed_total', 'Frames the analysis finished', ['stream']);
  readonly framesSkipped = this.counter('mien_frames_skipped_total', 'Frames the source let go: beyond the analysis rate, or while the server was busy', ['stream']);
  readonly framesDropped = this.counter('mien_frames_dropped_total', 'Frames received and replaced unanalysed by newer ones because the analysis was busy', ['stream']);
  readonly batchesFailed = this.counter('mien_analysis_batch_failures_total', 'Frames of batches whose analysis failed and were skipped', ['stream']);
  readonly streamUp = new Gauge({ name: 'mien_stream_up', help: '1 while a stream is playing', labelNames: ['stream'], registers: [this.registry] });
  readonly streamTargetFps = new Gauge({ name: 'mien_stream_target_fps', help: 'Frames per second a stream is to be analysed at', labelNames: ['stream'], registers: [this.registry] });
  readonly streams = new Gauge({ name: 'mien_streams', help: 'Streams the server runs, whatever their state', registers: [this.registry] });
  readonly analysisRunning = new Gauge({ name: 'mien_analysis_running', help: '1 while the analysis runs (0: it ended on a failure no batch could absorb)', registers: [this.registry] });
  readonly facesDetected = this.counter('mien_faces_detected_total', 'Faces found', ['stream']);
  readonly facesRejected = this.counter('mien_faces_rejected_total', 'Faces FaceQA turned away, by reason', ['reason']);
  readonly inferenceSeconds = new Histogram({
    name: 'mien_inference_seconds',
    help: 'Time of one model run',
    labelNames: ['model', 'provider'],
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [this.registry],
  });
  readonly inferenceBatch = new Histogram({ name: 'mien_inference_batch_size', help: 'Images in one model run', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32], registers: [this.registry] });
  readonly frameToEvent = new Histogram({
    name: 'mien_frame_to_event_seconds',
    help: 'From a frame reaching the analysis (waiting for its batch included) to its events, once per frame',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly tagsEmitted = this.counter('mien_tags_emitted_total', 'Tag segments started, by tag', ['tag']);
  readonly provider = new Gauge({ name: 'mien_inference_provider', help: '1 for the execution provider each model runs on', labelNames: ['model', 'provider'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mien_' });
    this.analysisRunning.set(1);
  }

  /**
   * Hooks for a live analysis that count its frames, streams and failures here, then call `then`'s
   * (what the owner does besides). Streams are analysed at `fps`.
   */
  liveHooks(fps: number, then: LiveAnalysisHooks = {}): LiveAnalysisHooks {
    return {
      ...then,
      onFrame: (frame, skippedSince) => {
        this.framesReceived.inc({ stream: frame.stream });
        if (skippedSince > 0) this.framesSkipped.inc({ stream: frame.stream }, skippedSince);
        then.onFrame?.(frame, skippedSince);
      },
      onStarted: (stream) => {
        this.startStream(stream, fps);
        this.streams.inc();
        then.onStarted?.(stream);
      },
      onAnalysed: (record, events) => {
        this.framesAnalysed.inc({ stream: record.frame.stream });
        this.frameToEvent.observe(Math.max(0, Date.now() - record.receivedAt) / 1000);
        then.onAnalysed?.(record, events);
      },
      onDropped: (frame) => {
        this.framesDropped.inc({ stream: frame.stream });
        then.onDropped?.(frame);
      },
      onBatchFailed: (error, frames) => {
        for (const frame of frames) this.batchesFailed.inc({ stream: frame.stream });
        then.onBatchFailed?.(error, frames);
      },
      onStopped: (error) => {
        this.analysisRunning.set(0);
        then.onStopped?.(error);
      },
    };
  }

  /** A stream starts: its counters exist from now, at 0, so that rate() and alerts see them before the first frame. */
  startStream(stream: string, targetFps: number): void {
    for (const metric of this.streamCounters()) metric.inc({ stream }, 0);
    this.streamTargetFps.set({ stream }, targetFps);
  }

  /** A stream is gone: its series go too (a removed stream must not look down forever). */
  forgetStream(stream: string): void {
    for (const metric of this.streamCounters()) metric.remove({ stream });
    this.streamUp.remove({ stream });
    this.streamTargetFps.remove({ stream });
  }

  observeInference(run: InferenceRun): void {
    this.inferenceSeconds.observe({ model: run.model, provider: run.provider }, run.seconds);
    this.inferenceBatch.observe({ model: run.model }, run.batch);
    this.provider.set({ model: run.model, provider: run.provider }, 1);
  }

  /** Counts what an event says about faces, tags and streams. */
  observeEvent(event: MienEvent): void {
    if (event.kind === 'face') {
      this.facesDetected.inc({ stream: event.stream });
      for (const reason of event.reasons) this.facesRejected.inc({ reason });
    } else if (event.kind === 'tag-start') {
      this.tagsEmitted.inc({ tag: event.tag });
    } else if (event.kind === 'stream-status') {
      this.streamUp.set({ stream: event.stream }, event.status === 'playing' ? 1 : 0);
    }
  }

  protected counter(name: string, help: string, labelNames: string[]): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private streamCounters(): Counter[] {
    return [this.framesReceived, this.framesAnalysed, this.framesSkipped, this.framesDropped, this.batchesFailed, this.facesDetected];
  }
}
