import { readHeadOnnx, type EmbeddingHead } from '../expression/head.js';
import { ExpressionSpace } from '../expression/expression-space.js';
import type { ExpressionReference } from '../expression/matching.js';
import { FaceCore } from '../face/analyser.js';
import { openModels, type OpenedModels } from '../models/index.js';
import type { InferenceRun } from '../models/session.js';
import { ExpressionAnalysis, type AnalysisOptions } from '../operators/analysis-pipeline.js';
import type { EventBus } from '../events/event-bus.js';
import { LiveAnalysis, type LiveAnalysisOptions } from './live-analysis.js';
import { DEFAULT_SETTINGS, type RuntimeSettings } from './settings.js';

/** What an opener may watch. */
export interface RuntimeHooks {
  /** Where one-line notices go (the inference provider, a missing Face Landmarker). Default: stderr. */
  readonly log?: (line: string) => void;
  /** Every session run, with its duration (metrics). */
  readonly onInference?: (run: InferenceRun) => void;
}

/**
 * The analysis runtime every command and the server share: the models opened once from the
 * settings, the face core over them, and the expression space they make (with the trained head the
 * settings name, if any). Analyses are made from it, each with its own state (identities, tags,
 * resting faces). Closed once, by its opener.
 */
export class AnalysisRuntime {
  private constructor(
    readonly settings: RuntimeSettings,
    readonly models: OpenedModels,
    readonly core: FaceCore,
    readonly space: ExpressionSpace,
  ) {}

  static async open(settings: RuntimeSettings, hooks: RuntimeHooks = {}): Promise<AnalysisRuntime> {
    // The head is read before the models open: a bad file fails fast, with nothing to close.
    const head = settings.expressionHead === undefined ? undefined : readHeadOnnx(settings.expressionHead);
    const models = await openModels(
      { dir: settings.modelsDir, expressionModel: settings.expressionModel, expressionPrecision: settings.expressionPrecision, faceLandmarker: settings.faceLandmarker },
      { ...settings.inference, ...hooks },
    );
    return AnalysisRuntime.over(models, settings, head);
  }

  /** A runtime over models opened elsewhere (a bench's own threads); it closes them when closed. */
  static over(models: OpenedModels, settings: RuntimeSettings = DEFAULT_SETTINGS, head?: EmbeddingHead): AnalysisRuntime {
    const core = new FaceCore(models);
    return new AnalysisRuntime(settings, models, core, ExpressionSpace.of(core, head));
  }

  /** A new live analysis in this runtime's space, matching `references`. */
  analysis(references: () => readonly ExpressionReference[], options: Omit<AnalysisOptions, 'space'> = {}): ExpressionAnalysis {
    // Two batches in flight pay off only when inference runs off the main thread.
    const batchesInFlight = this.settings.inference.thread === 'main' ? 1 : 2;
    return new ExpressionAnalysis(this.core, references, { batchesInFlight, ...options, space: this.space });
  }

  /** Streams analysed live in this runtime's space, their events published on `bus`. */
  live(bus: EventBus, options: LiveAnalysisOptions): LiveAnalysis {
    return new LiveAnalysis(this, bus, options);
  }

  close(): Promise<void> {
    return this.models.close();
  }
}
