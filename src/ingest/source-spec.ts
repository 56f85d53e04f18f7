import { readFileSync } from 'node:fs';
import { NEVER, type Observable } from 'rxjs';
import { SourceSpecError } from './errors.js';
import { fileFrames } from './file-source.js';
import type { Frame } from './frame.js';
import type { PullGate } from './pull-gate.js';
import { LiveSource } from './live-source.js';
import { outputChain, type RateControl } from './output-chain.js';
import { SOURCE_ELEMENT, type PipelinePlan } from './pipeline-plan.js';
import { openRtpSource } from './rtp-source.js';
import { openRtspSource } from './rtsp-source.js';
import type { SourceStatus } from './source-status.js';
import { openTestPatternSource } from './test-pattern-source.js';
import { isTestPattern, TEST_PATTERNS, type TestPattern } from './test-patterns.js';

/** Every kind of source Mien can analyse, told apart by `kind`. */
export type SourceSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'rtsp'; readonly url: string; readonly transport?: 'tcp' | 'udp'; readonly latencyMs?: number }
  | { readonly kind: 'rtp'; readonly sdp: string }
  | { readonly kind: 'test'; readonly pattern?: TestPattern }
  /** A still picture shown as a live camera would: the built-in demo, or a poster to try references on. */
  | { readonly kind: 'still'; readonly path: string }
  /** A WebRTC publisher over WHIP; `url` is where it publishes. Opened by a WHIP endpoint, not by openSource. */
  | { readonly kind: 'whip'; readonly url: string };

/** The sources openSource opens by itself (a WHIP publisher arrives through a WHIP endpoint). */
export type OpenableSpec = Exclude<SourceSpec, { kind: 'whip' }>;

/** An opened source: its frames, whether it is live, its health, and how to stop it. */
export interface OpenedSource {
  readonly stream: string;
  readonly spec: SourceSpec;
  /** Live sources run until closed and skip frames while Node is busy; files wait for it. */
  readonly live: boolean;
  readonly frames: Observable<Frame>;
  /** Status transitions of a live source; a file has none. */
  readonly status: Observable<SourceStatus>;
  /** Frames skipped in GStreamer so far, by the rate cap or while Node was busy (live sources). */
  readonly skippedFrames: () => number;
  close(): void;
}

/**
 * Reads a source as a user types it: rtsp:// or rtsps:// URLs, `test:PATTERN` (videotestsrc),
 * `still:PICTURE` (a picture as a live stream), a `.sdp` file describing incoming RTP, else a video
 * file path.
 */
export function parseSource(text: string): OpenableSpec {
  if (/^rtsps?:\/\//i.test(text)) return { kind: 'rtsp', url: text };
  if (text.startsWith('still:')) return { kind: 'still', path: text.slice(6) };
  if (text.startsWith('test:')) {
    const pattern = text.slice(5) || 'ball';
    if (!isTestPattern(pattern)) throw new SourceSpecError(`test:${pattern}: no such test pattern; use one of ${TEST_PATTERNS.join(', ')}`);
    return { kind: 'test', pattern };
  }
  if (text.toLowerCase().endsWith('.sdp')) {
    try {
      return { kind: 'rtp', sdp: readFileSync(text, 'utf8') };
    } catch (error) {
      throw new SourceSpecError(`${text}: cannot read the SDP file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return { kind: 'file', path: text };
}

/** Opens a source; a file pulls its frames through `gate` when one is given (see PullGate). */
export function openSource(stream: string, spec: OpenableSpec, rate: RateControl = {}, gate?: PullGate): OpenedSource {
  if (spec.kind === 'file') {
    return { stream, spec, live: false, frames: fileFrames(spec.path, { ...rate, stream, gate }), status: NEVER, skippedFrames: () => 0, close: () => {} };
  }
  const live: LiveSource =
    spec.kind === 'still'
      ? new LiveSource(spec.path, stillPlan(spec.path, rate), { stream })
      : spec.kind === 'rtsp'
      ? openRtspSource({ ...rate, stream, url: spec.url, transport: spec.transport, latencyMs: spec.latencyMs })
      : spec.kind === 'rtp'
        ? openRtpSource({ ...rate, stream, sdp: spec.sdp })
        : openTestPatternSource({ ...rate, stream, pattern: spec.pattern });
  return openedLive(live, spec);
}

/** A live source as an OpenedSource. */
export function openedLive(live: LiveSource, spec: SourceSpec): OpenedSource {
  return {
    stream: live.stream,
    spec,
    live: true,
    frames: live.frames,
    status: live.status,
    skippedFrames: () => live.skippedFrames,
    close: () => live.close(),
  };
}

/** A picture repeated as a live stream at `maxFps` (default 5) frames a second. */
export function stillPlan(path: string, rate: RateControl): PipelinePlan {
  return {
    description: `filesrc name=${SOURCE_ELEMENT} ! decodebin ! videoconvert ! imagefreeze is-live=true ! videorate ! video/x-raw,framerate=${rate.maxFps ?? 5}/1 ! ${outputChain(rate, 'newest')}`,
    properties: [{ element: SOURCE_ELEMENT, name: 'location', value: path }],
  };
}
