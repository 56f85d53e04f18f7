import { bufferCount, concatMap, concatWith, defer, from, mergeMap, pipe, tap, type OperatorFunction } from 'rxjs';
import type { FaceCore } from '../face/analyser.js';
import type { MienEvent } from '../events/events.js';
import { ExpressionTagger } from '../expression/expression-tagger.js';
import { ExpressionSpace } from '../expression/expression-space.js';
import { expressionIntensity, POPULATION_REST_START } from '../expression/relative-embedding.js';
import { RestingFaces } from '../expression/resting-face.js';
import type { ExpressionReference } from '../expression/matching.js';
import type { Frame } from '../ingest/frame.js';
import { PullGate } from '../ingest/pull-gate.js';
import { MOBILEFACENET } from '../models/identity.js';
import { FaceIdentities } from '../online-cluster/face-identities.js';
import { IncrementalDbscan } from '../online-cluster/incremental-dbscan.js';
import { PersonGallery, type GalleryStore, type PersonFaces } from '../online-cluster/person-gallery.js';
import { analyseNewest } from './analyse-newest.js';
import { expressionEmbedder } from './embed-expressions.js';
import { AnalysisEvents } from './emit-events.js';
import { streamTrackPrefix, type FaceThumbnail, type FrameAnalysis, type PerStreamStep } from './frame-analysis.js';
import { faceIdentifier } from './identify-faces.js';
import { faceLocator } from './locate-faces.js';
import { pipelineStage } from './pipeline-stage.js';

export interface AnalysisOptions {
  /** Frames analysed together (across streams). Default 4. */
  readonly batchSize?: number;
  /**
   * Batches `events()` analyses at once, each in a different step. 2 pays off only with inference
   * in a worker thread (InferenceOptions.thread): one batch's crops, clustering and events then run
   * on the main thread while another's model runs; on the main thread a run would only wait behind
   * another. Default 2, for sessions in worker threads (the default); give 1 for the main thread.
   */
  readonly batchesInFlight?: number;
  /**
   * Online clustering of identity embeddings (cosine distance), and the people it finds again.
   * Defaults: eps 0.5, minPts 3, 20000 faces; no one known, person ids from firstIdentity (0).
   */
  readonly identity?: {
    readonly eps?: number;
    readonly minPts?: number;
    readonly capacity?: number;
    readonly refreshSeconds?: number;
    /** The first person id to hand out: above every id a previous run used. */
    readonly firstIdentity?: number;
    /** Hands out person ids instead (a fleet's worker: ids unique across the fleet). */
    readonly newIdentity?: () => number;
    /** People seen before (a previous run's), found again by their kept faces. */
    readonly known?: readonly PersonFaces[];
    /** Where changes to the people's kept faces go. */
    readonly store?: GalleryStore;
  };
  /**
   * Expression measurements per second per tracked face (one person in one stream); in between, a
   * face carries its track's last expression. Default: every accepted face is measured.
   */
  readonly expressionRate?: number;
  /** How faces become expression embeddings. Default: ExpressionSpace.of(core). */
  readonly space?: ExpressionSpace;
  /** Tag distance for references without their own. Default: the expression embedding's. */
  readonly threshold?: number;
  /** Seconds without a match before a tag ends. Default 0.5. */
  readonly tagGap?: number;
  /** Sees every analysed frame with its events, after they are emitted (previews, thumbnails, metrics). */
  readonly onAnalysed?: (record: FrameAnalysis, events: readonly MienEvent[]) => void;
  /**
   * Hears of a batch whose analysis failed (a model error, say): the batch is skipped and the
   * frames after it are analysed, so one failure never ends the analysis. Default: one line on
   * stderr per stream and message.
   */
  readonly onBatchFailed?: (error: Error, frames: readonly Frame[]) => void;
}

/** The default `onBatchFailed`: says each kind of failure once per stream, not once per batch (a model failing on every batch must not flood the log). */
export function logBatchFailures(): (error: Error, frames: readonly Frame[]) => void {
  const said = new Set<string>();
  return (error, frames) => {
    for (const stream of new Set(frames.map((f) => f.stream))) {
      const key = `${stream}\n${error.message}`;
      if (said.has(key)) continue;
      said.add(key);
      console.error(`mien: analysis of a batch of stream ${stream} failed; its frames are skipped, the stream goes on (said once): ${error.message}`);
    }
  };
}

export const IDENTITY_DEFAULTS = { eps: 0.5, minPts: 3, capacity: 20_000, refreshSeconds: 1 } as const;

/**
 * Mien's live analysis, frames in, events out: batch frames with a deadline, detect and locate
 * faces, FaceQA-gate them, identify people with the online clustering, embed expressions, pool
 * them per person and match them against the custom expressions. One instance holds the state of
 * one analysis (identities, open tags, appearance counts) across all the streams it is fed.
 */
export class ExpressionAnalysis {
  readonly identities: FaceIdentities<FaceThumbnail>;
  /** The people ever seen, by their kept faces: a fleet's worker teaches it the others' people. */
  readonly gallery: PersonGallery;
  readonly tagger: ExpressionTagger;
  /** How faces become expression embeddings in this analysis. */
  readonly space: ExpressionSpace;
  /** In a relative space, each person's resting face and the population's; otherwise undefined. */
  readonly rests: RestingFaces | undefined;
  private readonly locate;
  private readonly identify;
  private readonly embed;
  /** The steps that keep state per stream. */
  private readonly locator: PerStreamStep<readonly Frame[]>;
  private readonly embedder: PerStreamStep<readonly FrameAnalysis[]>;
  private readonly compose;
  private readonly composer: AnalysisEvents;
  /** When each frame reached events() or liveEvents(): its events' wallTime. */
  private readonly arrivals = new WeakMap<Frame, number>();
  private readonly onBatchFailed: (error: Error, frames: readonly Frame[]) => void;
  /** Streams ended (endStream) and not started again: their frames still on the way are not analysed. */
  private readonly ended = new Set<string>();
  /** The latest batch's analysis: every batch before it has left every step once it settles. */
  private latest: Promise<unknown> = Promise.resolve();

  constructor(
    core: FaceCore,
    references: () => readonly ExpressionReference[],
    readonly options: AnalysisOptions = {},
  ) {
    const identity = { ...IDENTITY_DEFAULTS, ...options.identity };
    const clustering = new IncrementalDbscan<FaceThumbnail>({
      dimension: MOBILEFACENET.dimensions,
      eps: identity.eps,
      minPts: identity.minPts,
      capacity: identity.capacity,
    });
    this.gallery = new PersonGallery({ matchDistance: identity.eps, firstPerson: identity.firstIdentity, newPerson: identity.newIdentity }, identity.known, identity.store);
    this.identities = new FaceIdentities(clustering, { refreshSeconds: identity.refreshSeconds }, this.gallery);
    this.onBatchFailed = options.onBatchFailed ?? logBatchFailures();
    this.space = options.space ?? ExpressionSpace.of(core);
    this.rests = this.space.relative ? new RestingFaces({ start: POPULATION_REST_START }) : undefined;
    this.tagger = new ExpressionTagger(references, {
      defaultThreshold: options.threshold ?? this.space.kind.defaultThreshold,
      ...(this.space.relative && { intensity: expressionIntensity }),
      gap: options.tagGap ?? 0.5,
    });
    this.locator = faceLocator(core, (frame) => this.arrivals.get(frame) ?? Date.now());
    this.embedder = expressionEmbedder(this.space, this.rests, options.expressionRate);
    this.locate = pipelineStage(this.locator.step);
    this.identify = pipelineStage(faceIdentifier(core, this.identities));
    this.embed = pipelineStage(this.embedder.step);
    this.composer = new AnalysisEvents(this.tagger);
    this.compose = pipelineStage((records: readonly FrameAnalysis[]) =>
      records.flatMap((record) => {
        const events = this.composer.of(record);
        this.options.onAnalysed?.(record, events);
        return events;
      }),
    );
  }

  /**
   * Analyses one batch of frames (any streams) and returns their events in order. Batches passed
   * before this one's events are out go through every step in the order of the calls.
   */
  analyse(frames: readonly Frame[]): Promise<MienEvent[]> {
    return this.compose(this.embed(this.identify(this.locate(Promise.resolve(frames)))));
  }

  /**
   * `analyse`, with a failed batch reported and skipped (its frames give no events): the live flow's
   * policy. Frames of streams that have ended are left out.
   */
  private async analyseOrSkip(batch: readonly Frame[]): Promise<MienEvent[]> {
    const frames = batch.filter((frame) => !this.ended.has(frame.stream));
    if (frames.length === 0) return [];
    const run = this.analyse(frames);
    this.latest = run.catch(() => undefined);
    try {
      return await run;
    } catch (error) {
      this.onBatchFailed(error instanceof Error ? error : new Error(String(error)), frames);
      return [];
    }
  }

  /**
   * For files and other sources that wait for the consumer: every frame is analysed, in batches
   * of `batchSize` frames in order (the last one shorter). Batches are cut by count, never by the
   * clock, so the same file gives the same batches, and the same events, however fast the machine
   * runs (models answer a face a hair differently in batches of other sizes). Pass the source's
   * `gate` so that it decodes no further ahead than the gate's capacity (see `analysisGate`).
   */
  events(gate?: PullGate): OperatorFunction<Frame, MienEvent> {
    const { batchSize = 4, batchesInFlight = 2 } = this.options;
    return pipe(
      tap((frame: Frame) => this.arrivals.set(frame, Date.now())),
      bufferCount<Frame>(batchSize),
      mergeMap(async (batch) => {
        const events = await this.analyseOrSkip(batch);
        gate?.leave(batch.length);
        return events;
      }, batchesInFlight),
      concatMap((events) => from(events)),
      concatWith(defer(() => from(this.composer.closing(this.ended)))),
    );
  }

  /**
   * A stream has ended (removed, finished, failed): its open tag segments end now, with `reason`,
   * and every piece of state the analysis held for it is freed (face tracks, pooling windows,
   * measurements held between expression samples). Its people stay known: they may be seen again.
   */
  async endStream(stream: string, reason: string): Promise<MienEvent[]> {
    this.ended.add(stream);
    // Its frames already in the analysis finish first: their events come before the ends.
    await this.latest;
    this.locator.forgetStream(stream);
    this.embedder.forgetStream(stream);
    this.identities.forgetTracks(streamTrackPrefix(stream));
    return this.composer.endStream(stream, reason);
  }

  /** A stream (new, or one that had ended) starts: its frames are analysed. */
  startStream(stream: string): void {
    this.ended.delete(stream);
  }

  /** How many streams each per-stream piece of state holds (all 0 once every stream has ended): for leak checks. */
  streamState(): Record<'tracking' | 'expressions' | 'identityTracks' | 'tagging', number> {
    return { tracking: this.locator.streams(), expressions: this.embedder.streams(), identityTracks: this.identities.trackCount(), tagging: this.tagger.streams };
  }

  /** A gate for a file source feeding `events()`: two batches may wait while one is analysed. */
  analysisGate(): PullGate {
    return new PullGate(3 * (this.options.batchSize ?? 4));
  }

  /**
   * For live sources: while a batch is analysed, each stream keeps only its newest frame; the
   * frames replaced unanalysed go to `onDrop`.
   */
  liveEvents(onDrop?: (frame: Frame) => void): OperatorFunction<Frame, MienEvent> {
    return pipe(
      tap((frame: Frame) => this.arrivals.set(frame, Date.now())),
      analyseNewest((batch) => this.analyseOrSkip(batch), this.options.batchSize ?? 4, onDrop),
      concatMap((events) => from(events)),
      concatWith(defer(() => from(this.composer.closing(this.ended)))),
    );
  }
}
