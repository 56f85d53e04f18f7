/**
 * The model-only limit: the session runs an analysis made, recorded as they happen, then replayed
 * through the same sessions at the same batch sizes on inputs packed in advance, with nothing else
 * (no decoding, cropping, packing, FaceQA, clustering or events).
 */
import { DENSENET_FER } from '../../src/models/expression.js';
import { FACE_LANDMARKER, type FaceLandmarkerGraph } from '../../src/models/face-landmarker.js';
import { DEFAULT_MODELS, EXPRESSION_MODELS, type ModelRole, type OpenedModels } from '../../src/models/index.js';
import type { InferenceRun } from '../../src/models/session.js';

/** Session runs, in order, while recording. */
export class InferenceRecorder {
  private runs: InferenceRun[] | undefined;

  /** Pass to openModels' `onInference`. */
  readonly onInference = (run: InferenceRun): void => {
    this.runs?.push(run);
  };

  start(): void {
    this.runs = [];
  }

  stop(): InferenceRun[] {
    const runs = this.runs ?? [];
    this.runs = undefined;
    return runs;
  }
}

const ROLE_OF_FILE = new Map<string, ModelRole>([
  ...Object.entries(DEFAULT_MODELS).map(([role, m]) => [m.source.file, role as ModelRole] as const),
  ...Object.values(EXPRESSION_MODELS).map((m) => [m.source.file, 'expression'] as const),
  [DENSENET_FER.int8.file, 'expression'],
]);

const LANDMARKER_GRAPH_OF_FILE = new Map<string, FaceLandmarkerGraph>(Object.entries(FACE_LANDMARKER.files).map(([graph, file]) => [file, graph as FaceLandmarkerGraph]));

/** Values per item of each Face Landmarker graph's input. */
const LANDMARKER_INPUT_SIZE: Record<FaceLandmarkerGraph, number> = {
  detector: 3 * FACE_LANDMARKER.detector.size ** 2,
  landmarks: 3 * FACE_LANDMARKER.landmarks.size ** 2,
  blendshapes: 2 * FACE_LANDMARKER.blendshapes.points,
};

/** Per model file: session runs, images and seconds. */
export function inferenceSummary(runs: readonly InferenceRun[]): Map<string, { runs: number; images: number; seconds: number }> {
  const summary = new Map<string, { runs: number; images: number; seconds: number }>();
  for (const run of runs) {
    const s = summary.get(run.model) ?? { runs: 0, images: 0, seconds: 0 };
    summary.set(run.model, { runs: s.runs + 1, images: s.images + run.batch, seconds: s.seconds + run.seconds });
  }
  return summary;
}

/**
 * Packs inputs for every run now, and returns the replay: it resolves to the seconds spent inside
 * the session runs. A session in a worker takes its input's buffer, so each run gets a copy, made
 * outside the timed runs.
 */
export function prepareReplay(models: OpenedModels, runs: readonly InferenceRun[]): () => Promise<number> {
  const inputs = new Map<string, Float32Array>();
  let seed = 1;
  const packedInput = (key: string, size: number): Float32Array => {
    if (!inputs.has(key)) {
      const packed = new Float32Array(size);
      // Values in the normalised input's range; ORT's CPU kernels do not depend on the data.
      for (let i = 0; i < packed.length; i++) packed[i] = (((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) / 65536) * 2 - 1;
      inputs.set(key, packed);
    }
    return inputs.get(key)!;
  };
  const timed = (run: (copy: Float32Array) => Promise<void>, packed: Float32Array) => async () => {
    const copy = packed.slice();
    const started = performance.now();
    await run(copy);
    return (performance.now() - started) / 1000;
  };
  const steps = runs.map(({ model, batch }) => {
    const key = `${model}/${batch}`;
    const graph = LANDMARKER_GRAPH_OF_FILE.get(model);
    if (graph && models.faceMesh) {
      const mesh = models.faceMesh;
      return timed((copy) => mesh.inferPacked(graph, copy, batch), packedInput(key, batch * LANDMARKER_INPUT_SIZE[graph]));
    }
    const role = ROLE_OF_FILE.get(model);
    if (!role) throw new Error(`the replay knows only the default models, not ${model}`);
    const adapter = models[role];
    const { width, height, colour } = adapter.input;
    return timed((copy) => adapter.inferPacked(copy, batch), packedInput(key, batch * (colour === 'grey' ? 1 : 3) * width * height));
  });
  return async () => {
    let seconds = 0;
    for (const step of steps) seconds += await step();
    return seconds;
  };
}
