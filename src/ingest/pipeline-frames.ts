import type { AppSink, BusMessage, Element, Pipeline, PullCallback } from 'gstreamer-superficial';
import { Observable } from 'rxjs';
import { decodedFrame, type DecodedFrame } from './decoded-frame.js';
import { PipelineError, PipelineLaunchError, TruncatedVideoError } from './errors.js';
import { gstreamer } from './gstreamer.js';
import { SINK_ELEMENT } from './output-chain.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { holdThreads } from './threadpool.js';
import type { PullGate } from './pull-gate.js';
import { isTruncated } from './truncation.js';

/** A decoded frame and the count of frames the appsink skipped so far (newest-frame-wins delivery). */
export interface PulledFrame extends DecodedFrame {
  /**
   * Frames the appsink let go before this one, because Node was waiting out minPullIntervalMs (the
   * rate cap) or had not pulled the previous one yet; exact to within the one frame that may be
   * waiting in the sink.
   */
  readonly skippedSoFar: number;
}

export interface PipelineFramesOptions {
  /** What the pipeline reads, for messages: a file path, a URL. */
  readonly source: string;
  /** Fail with TruncatedVideoError when frames end well before the declared duration (files). */
  readonly checkDuration?: boolean;
  /**
   * Wait at least this long between pulls (a frame-rate cap for a sink that keeps only the newest
   * frame: the frames in between are dropped in GStreamer, never copied into Node). Default 0.
   */
  readonly minPullIntervalMs?: number;
  /** When given, the next frame is pulled only once the gate has room (files: a slow consumer slows decoding). */
  readonly gate?: PullGate;
}

/**
 * After the appsink's end-of-stream, how long to wait for the pipeline's own end-of-stream message
 * before completing: an element that fails posts its error before sending end-of-stream, but the
 * error travels on the bus thread and may arrive after the last frame. The pipeline's message only
 * comes when every sink ended, so not when the file has no audio for the audio sink.
 */
const END_GRACE_MS = 200;

/** Parses the plan's description, then sets the outside values on their elements (see PipelinePlan). */
function launch({ description, properties }: PipelinePlan, source: string): Pipeline {
  let pipeline: Pipeline;
  try {
    pipeline = new (gstreamer().Pipeline)(description);
  } catch (error) {
    throw new PipelineLaunchError(source, description, (error as Error).message);
  }
  for (const { element, name, value } of properties) {
    const target = child(pipeline, element, description, source);
    target[name] = value;
    // The binding ignores a property the element lacks, and caps that do not parse read back empty.
    if (typeof target[name] !== 'string' || target[name] === '') {
      throw new PipelineLaunchError(source, description, `${element} does not take the ${name} given`);
    }
  }
  return pipeline;
}

function child(pipeline: Pipeline, name: string, description: string, source: string): Element {
  const element = pipeline.findChild(name);
  if (element === undefined) throw new PipelineLaunchError(source, description, `it has no element named ${name}`);
  return element;
}

const counter = (value: unknown): number => Number(value) || 0;

/** Buffers the appsink received, from its base sink statistics ("..., rendered=(guint64)42;"). */
const rendered = (stats: unknown): number => counter(/rendered=\(guint64\)(\d+)/.exec(String(stats))?.[1]);

/**
 * Runs a pipeline plan and emits its frames. Cold: each subscription builds and plays its own
 * pipeline; it completes at end-of-stream, errors with the first error GStreamer reports, and
 * unsubscribing stops the pipeline.
 */
export function pipelineFrames(plan: PipelinePlan, options: PipelineFramesOptions): Observable<PulledFrame> {
  const { source } = options;
  return new Observable<PulledFrame>((subscriber) => {
    const pipeline = launch(plan, source);
    const sink = child(pipeline, SINK_ELEMENT, plan.description, source) as AppSink;
    // Frames the sink received and Node was not given, beyond those that may be waiting, were skipped.
    const dropping = sink.drop === true;
    const capacity = counter(sink['max-buffers']);
    const { minPullIntervalMs = 0 } = options;
    let pullTimer: NodeJS.Timeout | undefined;
    let lastPull = 0;
    // Frames are kept on a grid of the interval in stream time, so the rate averages the cap
    // exactly: a frame before the next slot is skipped. A frame a whole slot late (after a stall)
    // or before the last one kept (a restarted stream) starts the grid again from itself.
    const interval = minPullIntervalMs / 1000;
    let lastKept: number | undefined;
    let nextSlot = 0;
    const tooSoon = (pts: number): boolean => {
      if (interval === 0) return false;
      if (lastKept !== undefined && pts >= lastKept && pts < nextSlot - 0.001) return true;
      nextSlot = (lastKept === undefined || pts < lastKept || pts > nextSlot + interval ? pts : nextSlot) + interval;
      lastKept = pts;
      return false;
    };
    const releaseThreads = holdThreads();
    let running = true;
    let delivered = 0;
    let skipped = 0;
    let framesEnd = 0;
    // The stream ends when both the appsink and the bus say so; they arrive in either order.
    let sinkEnded = false;
    let busEnded = false;
    let endTimer: NodeJS.Timeout | undefined;

    const stop = (): void => {
      if (!running) return;
      running = false;
      clearTimeout(endTimer);
      clearTimeout(pullTimer);
      pipeline.stop();
      releaseThreads();
    };
    const complete = (): void => {
      const declared = options.checkDuration ? pipeline.queryDuration() : -1;
      stop();
      if (isTruncated(framesEnd, declared)) subscriber.error(new TruncatedVideoError(source, framesEnd, declared));
      else subscriber.complete();
    };

    pipeline.pollBus((message: BusMessage) => {
      if (!running) return;
      if (message.type === 'error') {
        stop();
        subscriber.error(new PipelineError(source, message.message ?? 'unknown error', message.name ?? message._src_element_name, message.debug ?? ''));
      } else if (message.type === 'eos') {
        busEnded = true;
        if (sinkEnded) complete();
      }
    });

    const onSample: PullCallback = (buffer, caps, timing) => {
      if (!running) return;
      if (buffer === null) {
        sinkEnded = true;
        if (busEnded) complete();
        else endTimer = setTimeout(complete, END_GRACE_MS);
        return;
      }
      let frame: DecodedFrame;
      try {
        frame = decodedFrame(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length), caps, timing);
      } catch (error) {
        stop();
        subscriber.error(error);
        return;
      }
      framesEnd = frame.pts + (frame.duration ?? 0);
      if (tooSoon(frame.pts)) {
        // Pulled on time but made early (it waited in the sink): the next one is due within a frame.
        pull();
        return;
      }
      delivered += 1;
      if (dropping) skipped = Math.max(skipped, rendered(sink.stats) - delivered - capacity);
      options.gate?.enter();
      subscriber.next({ ...frame, skippedSoFar: skipped });
      // The subscriber may have unsubscribed (stopping the pipeline) while handling the frame.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `running` is cleared by the teardown, which `next` above may run
      if (!running) return;
      const wait = lastPull + minPullIntervalMs - Date.now();
      if (wait > 0) pullTimer = setTimeout(pull, wait);
      else if (options.gate) void options.gate.ready().then(() => running && pull());
      else pull();
    };
    const pull = (): void => {
      lastPull = Date.now();
      sink.pull(onSample);
    };

    // The appsink only waits for samples once started: pull after play, or the pull returns at once.
    pipeline.play();
    pull();
    return stop;
  });
}
