import { defer, map, NEVER, repeat, Subject, Subscription, tap, throwError, timer, type Observable } from 'rxjs';
import type { EventBus } from '../events/event-bus.js';
import type { StreamStatus } from '../events/events.js';
import type { StreamInfo, StreamOrigin } from './stream-info.js';
import type { Frame } from '../ingest/frame.js';
import { PullGate } from '../ingest/pull-gate.js';
import { redactedUrl } from '../ingest/rtsp-source.js';
import { openSource, type OpenableSpec, type OpenedSource, type SourceSpec } from '../ingest/source-spec.js';
import { paceByPts } from '../operators/pace-by-pts.js';
import { StreamError } from './errors.js';

/** What to add: a source, and for files, whether to play them in a loop. */
export type StreamRequest = OpenableSpec & { readonly id?: string; readonly loop?: boolean };

interface Running {
  readonly opened: OpenedSource;
  readonly origin: StreamOrigin;
  readonly subscription: Subscription;
  status: StreamStatus;
  reason: string;
  received: number;
  analysed: number;
  dropped: number;
  /** The source's skipped count when its last frame came: what the API and the hooks (so /metrics) both report. */
  skippedSeen: number;
  /** [time ms, analysed, dropped, skipped] samples for the rates. */
  readonly samples: [number, number, number, number][];
}

/** What the owner of a StreamManager hears of its streams. */
export interface StreamHooks {
  /** Each frame received, with how many frames the source skipped since the previous one. */
  readonly onFrame?: (frame: Frame, skippedSince: number) => void;
  /** A stream starts, before its first frame. */
  readonly onStarted?: (stream: string) => void;
  /** A stream stops for good (it ended, failed or was removed), with why; told once. */
  readonly onEnded?: (stream: string, reason: string) => void;
}

const RATE_WINDOW_MS = 10_000;

/**
 * The streams a server analyses. Every stream's frames join one analysis (so faces are batched
 * across streams); files play at the pace of their timestamps, as a camera would, optionally in a
 * loop. Status changes are published as stream-status events.
 *
 * Frames not analysed are counted in two ways: skipped (the source let them go, beyond the rate cap
 * or while Node was busy: a 30 fps camera analysed at 5 fps skips 25 a second, as asked) and
 * dropped (received, then replaced by a newer one while the analysis was busy: it is behind).
 */
export class StreamManager {
  private readonly streams = new Map<string, Running>();
  private readonly frames = new Subject<Frame>();
  private nextId = 1;

  constructor(
    private readonly bus: EventBus,
    private readonly fps: number,
    private readonly hooks: StreamHooks = {},
  ) {}

  /** Every stream's frames, for the analysis to subscribe to once. */
  get allFrames(): Observable<Frame> {
    return this.frames.asObservable();
  }

  add(request: StreamRequest, origin: StreamOrigin): StreamInfo {
    const id = this.claim(request.id);
    // A file is decoded no further ahead of its pace than two frames (else a looped file fills memory).
    const gate = new PullGate(2);
    return this.attach(openSource(id, request, { maxFps: this.fps }, gate), { origin, loop: request.loop ?? false, gate });
  }

  /** Lists a stream that cannot be opened (a kept stream whose file went away) as failed, with why, so it can be seen and removed. */
  addFailed(id: string, spec: SourceSpec, reason: string, origin: StreamOrigin): StreamInfo {
    const failed: OpenedSource = { stream: this.claim(id), spec, live: true, frames: throwError(() => new Error(reason)), status: NEVER, skippedFrames: () => 0, close: () => {} };
    return this.attach(failed, { origin });
  }

  /** Reserves a stream id (the one asked for, else the next free `stream-N`). */
  claim(requested?: string): string {
    const id = requested ?? `stream-${this.nextId++}`;
    if (!/^[\w.-]{1,64}$/.test(id)) throw new StreamError('invalid', 'a stream id is 1 to 64 letters, digits, ".", "_" or "-"');
    if (this.streams.has(id)) throw new StreamError('taken', `a stream "${id}" already exists`);
    return id;
  }

  /** Analyses an opened source under its stream id (claimed first); a file's frames leave `gate` as they are played. */
  attach(opened: OpenedSource, options: { origin: StreamOrigin; loop?: boolean; gate?: PullGate }): StreamInfo {
    const id = opened.stream;
    this.hooks.onStarted?.(id);
    const { origin, loop = false, gate } = options;
    const running: Running = { opened, origin, subscription: new Subscription(), status: 'connecting', reason: 'opening', received: 0, analysed: 0, dropped: 0, skippedSeen: 0, samples: [] };
    this.streams.set(id, running);
    const frames = opened.live ? opened.frames : this.playFile(opened, loop, gate);
    running.subscription.add(
      opened.status.subscribe((s) => this.setStatus(running, s.state, s.reason)),
    );
    if (!opened.live) this.setStatus(running, 'playing', 'playing the file at the pace of its timestamps');
    running.subscription.add(
      frames.pipe(tap((frame) => this.received(running, frame))).subscribe({
        next: (frame) => this.frames.next(frame),
        error: (error: unknown) => this.setStatus(running, 'failed', (error as Error).message),
        // A live source that ends has said why in its status (a publisher left): that stands.
        complete: () => {
          if (!opened.live) this.setStatus(running, 'ended', 'the file ended');
          else if (!isOver(running.status)) this.setStatus(running, 'ended', 'the source ended');
        },
      }),
    );
    return this.info(id, running);
  }

  remove(id: string, reason = 'removed'): void {
    const running = this.streams.get(id);
    if (!running) throw new StreamError('unknown', `no stream "${id}"`);
    running.subscription.unsubscribe();
    running.opened.close();
    this.setStatus(running, 'stopped', reason);
    this.streams.delete(id);
  }

  /** Streams listed, whatever their state (counting them leaves their rates as they are). */
  get size(): number {
    return this.streams.size;
  }

  list(): StreamInfo[] {
    return [...this.streams].map(([id, running]) => this.info(id, running));
  }

  get(id: string): StreamInfo | undefined {
    const running = this.streams.get(id);
    return running && this.info(id, running);
  }

  countAnalysed(stream: string): void {
    const running = this.streams.get(stream);
    if (running) running.analysed++;
  }

  countDropped(stream: string): void {
    const running = this.streams.get(stream);
    if (running) running.dropped++;
  }

  /** Stops every stream, saying why; safe to call twice. */
  close(reason = 'the server stopped'): void {
    for (const id of [...this.streams.keys()]) this.remove(id, reason);
    this.frames.complete();
  }

  private received(running: Running, frame: Frame): void {
    running.received++;
    const skipped = running.opened.skippedFrames();
    this.hooks.onFrame?.(frame, skipped - running.skippedSeen);
    running.skippedSeen = skipped;
  }

  private playFile(opened: OpenedSource, loop: boolean, gate?: PullGate): Observable<Frame> {
    // Each pass continues the timeline of the last, so timestamps keep increasing.
    let offset = 0;
    let end = 0;
    const pass = defer(() => {
      offset = end;
      return opened.frames;
    }).pipe(
      map((frame) => ({ ...frame, pts: frame.pts + offset })),
      tap((frame) => (end = Math.max(end, frame.pts + 1 / this.fps))),
    );
    const again = () => (end > offset ? timer(0) : throwError(() => new Error('the file has no video frames')));
    return (loop ? pass.pipe(repeat({ delay: again })) : pass).pipe(
      paceByPts(),
      tap(() => gate?.leave()),
    );
  }

  private setStatus(running: Running, status: StreamStatus, reason: string): void {
    if (running.status === status && running.reason === reason) return;
    const wasOver = isOver(running.status);
    running.status = status;
    running.reason = reason;
    this.bus.publish({ kind: 'stream-status', stream: running.opened.stream, pts: 0, wallTime: new Date().toISOString(), status, reason });
    if (isOver(status) && !wasOver) this.hooks.onEnded?.(running.opened.stream, `the stream ${status === 'stopped' ? 'was stopped' : status}: ${reason}`);
  }

  private info(id: string, r: Running): StreamInfo {
    const now = Date.now();
    const skipped = r.skippedSeen;
    r.samples.push([now, r.analysed, r.dropped, skipped]);
    while (r.samples.length > 2 && now - r.samples[1][0] >= RATE_WINDOW_MS) r.samples.shift();
    const [t0, a0, d0, s0] = r.samples[0];
    const seconds = Math.max((now - t0) / 1000, 1);
    const perSecond = (count: number): number => Number((count / seconds).toFixed(2));
    const spec = r.opened.spec;
    return {
      id,
      kind: spec.kind,
      source: sourceDescription(spec),
      origin: r.origin,
      status: r.status,
      reason: r.reason,
      framesReceived: r.received,
      framesAnalysed: r.analysed,
      framesSkipped: skipped,
      framesDropped: r.dropped,
      analysedPerSecond: perSecond(r.analysed - a0),
      skippedPerSecond: perSecond(skipped - s0),
      droppedPerSecond: perSecond(r.dropped - d0),
    };
  }
}

/** A stream in one of these states sends no more frames. */
const isOver = (status: StreamStatus): boolean => status === 'ended' || status === 'failed' || status === 'stopped';

/** A source as listings show it, passwords masked. */
export function sourceDescription(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'file':
    case 'still':
      return spec.path;
    case 'rtsp':
      return redactedUrl(spec.url);
    case 'test':
      return `test:${spec.pattern ?? 'ball'}`;
    case 'rtp':
      return 'RTP (SDP)';
    case 'whip':
      return `WHIP ${spec.url}`;
  }
}
