import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OfficialFile } from './model-source.js';
import { runBatches } from './image-model.js';
import { openModelSession, ort, type InferenceOptions, type ModelSession } from './session.js';

/**
 * MediaPipe's Face Landmarker (float16, version 1; Apache-2.0): a face detector, a 478-point face
 * mesh and 52 blendshape coefficients. No registry ships it: `mien models fetch` takes the .task
 * from its official address (or a local copy) and converts its three TFLite graphs to ONNX
 * (src/model-build/tflite), which is what runs. What each converted graph takes and gives:
 * src/model-build/tflite/face-landmarker-onnx.ts.
 */
export const FACE_LANDMARKER = {
  kind: 'mediapipe-face-landmarker-v1',
  /** Raise it when the converter changes what it makes: models made by an older one are made again. */
  converterVersion: 2,
  task: {
    name: 'face_landmarker.task',
    url: 'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task',
    sha256: '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff',
    bytes: 3_758_596,
  } satisfies OfficialFile,
  files: {
    detector: 'mediapipe_face_detector.onnx',
    landmarks: 'mediapipe_face_landmarks.onnx',
    blendshapes: 'mediapipe_face_blendshapes.onnx',
  },
  detector: { input: 'input', size: 128, outputs: { regressors: 'regressors', classificators: 'classificators' } },
  landmarks: { input: 'input_12', size: 256, outputs: { mesh: 'Identity', presence: 'Identity_1' } },
  blendshapes: { input: 'serving_default_input_points:0', points: 146, output: 'StatefulPartitionedCall:0', count: 52 },
  /** The face geometry pipeline's metadata (canonical face, Procrustes weights), copied from the .task unchanged. */
  geometry: { file: 'mediapipe_face_geometry.binarypb' },
} as const;

/** The three converted graphs, by FACE_LANDMARKER.files' keys. */
export type FaceLandmarkerGraph = keyof typeof FACE_LANDMARKER.files;

/** One face's mesh as the landmark model gives it: 478 x, y, z in the 256x256 crop's pixels. */
export interface RawMesh {
  readonly mesh: Float32Array;
  /** The face-presence logit (sigmoid > 0.5: a face). */
  readonly presenceLogit: number;
}

/**
 * The three converted graphs, each its own session. Inputs come as NHWC float tensors already
 * sampled and normalised as MediaPipe does (src/face/mediapipe/image-to-tensor.ts); this adapter
 * only lays them out for ONNX (NCHW) and batches them.
 */
export class FaceLandmarkerModel {
  private constructor(
    private readonly detector: ModelSession,
    private readonly landmarks: ModelSession,
    private readonly blendshapeNet: ModelSession,
    /** The geometry metadata's bytes (src/face/mediapipe/geometry-metadata.ts reads them); undefined where not provisioned. */
    readonly geometry: Uint8Array | undefined,
  ) {}

  /** The converted models in `dir`, or undefined when `mien models fetch` has not made them. */
  static async open(dir: string, options?: InferenceOptions): Promise<FaceLandmarkerModel | undefined> {
    const paths = Object.values(FACE_LANDMARKER.files).map((file) => join(dir, file));
    if (!paths.every((path) => existsSync(path))) return undefined;
    const [detector, landmarks, blendshapes] = await Promise.all(paths.map((path) => openModelSession(path, options)));
    // Optional: models made before it was provisioned still give meshes, only no head pose.
    const geometryPath = join(dir, FACE_LANDMARKER.geometry.file);
    const geometry = existsSync(geometryPath) ? new Uint8Array(await readFile(geometryPath)) : undefined;
    return new FaceLandmarkerModel(detector, landmarks, blendshapes, geometry);
  }

  get provider(): ModelSession['provider'] {
    return this.landmarks.provider;
  }

  /** Per 128x128 NHWC input in [-1, 1]: the detector's raw regressors (896 x 16) and score logits (896). */
  async detect(inputs: readonly Float32Array[]): Promise<{ regressors: Float32Array; classificators: Float32Array }[]> {
    const { input, size, outputs } = FACE_LANDMARKER.detector;
    const rows = await runBatches(this.detector, input, inputs, [3, size, size], (batch) => nchwBatch(batch, size), [outputs.regressors, outputs.classificators]);
    return rows[0].map((regressors, i) => ({ regressors, classificators: rows[1][i] }));
  }

  /** Per 256x256 NHWC crop in [0, 1]: the 478-point mesh and the presence logit. */
  async mesh(crops: readonly Float32Array[]): Promise<RawMesh[]> {
    const { input, size, outputs } = FACE_LANDMARKER.landmarks;
    const rows = await runBatches(this.landmarks, input, crops, [3, size, size], (batch) => nchwBatch(batch, size), [outputs.mesh, outputs.presence]);
    return rows[0].map((mesh, i) => ({ mesh, presenceLogit: rows[1][i][0] }));
  }

  /** Per face, its 146 points (x, y in image pixels, interleaved): the 52 blendshape scores. */
  async blendshapes(points: readonly Float32Array[]): Promise<Float32Array[]> {
    const { input, points: count, output } = FACE_LANDMARKER.blendshapes;
    const [rows] = await runBatches(this.blendshapeNet, input, points, [count, 2], concatenated, [output]);
    return rows;
  }

  /**
   * Runs one of the graphs on a batch already packed as its input and discards the outputs:
   * inference alone, for benchmarks that set the pipeline against its models (bench/pipeline.ts).
   */
  async inferPacked(graph: FaceLandmarkerGraph, packed: Float32Array, batch: number): Promise<void> {
    const { session, input, shape } = {
      detector: { session: this.detector, input: FACE_LANDMARKER.detector.input, shape: [3, FACE_LANDMARKER.detector.size, FACE_LANDMARKER.detector.size] },
      landmarks: { session: this.landmarks, input: FACE_LANDMARKER.landmarks.input, shape: [3, FACE_LANDMARKER.landmarks.size, FACE_LANDMARKER.landmarks.size] },
      blendshapes: { session: this.blendshapeNet, input: FACE_LANDMARKER.blendshapes.input, shape: [FACE_LANDMARKER.blendshapes.points, 2] },
    }[graph];
    await session.run({ [input]: new ort.Tensor('float32', packed, [batch, ...shape]) });
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.close(), this.landmarks.close(), this.blendshapeNet.close()]);
  }
}

/** Square NHWC RGB tensors as one NCHW batch. */
function nchwBatch(tensors: readonly Float32Array[], size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(tensors.length * plane * 3);
  tensors.forEach((nhwc, n) => {
    if (nhwc.length !== plane * 3) throw new TypeError(`expected a ${size}x${size}x3 tensor, got ${nhwc.length} values`);
    const base = n * plane * 3;
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      out[base + i] = nhwc[p];
      out[base + plane + i] = nhwc[p + 1];
      out[base + 2 * plane + i] = nhwc[p + 2];
    }
  });
  return out;
}

function concatenated(items: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(items.reduce((n, item) => n + item.length, 0));
  let offset = 0;
  for (const item of items) {
    out.set(item, offset);
    offset += item.length;
  }
  return out;
}
