import { TaskBundleError, TfliteConversionError, TfliteFormatError } from '../errors.js';
import { readTaskBundle } from './task-bundle.js';
import { readTflite } from './tflite-format.js';
import { tfliteToOnnx, type ConvertOptions } from './tflite-to-onnx.js';

/**
 * MediaPipe's Face Landmarker bundle (face_landmarker.task, float16 version 1) as ONNX models for
 * ONNX Runtime, converted by `tfliteToOnnx` (opset 13, free `batch` dimension). What each takes
 * and gives (input ranges from each graph's TFLite metadata, see `readInputNormalization`):
 *
 * - detector (BlazeFace short range): `input` [batch, 3, 128, 128] RGB in [-1, 1], that is
 *   (pixel - 127.5) / 127.5; outputs `regressors` [batch, 896, 16] (undecoded boxes and 6
 *   keypoints per anchor) and `classificators` [batch, 896, 1] (score logits).
 * - landmarks (face mesh v2): `input_12` [batch, 3, 256, 256] RGB in [0, 1], pixel / 255; outputs
 *   `Identity` [batch, 1434] (478 x, y, z in crop pixels), `Identity_1` [batch, 1] (face
 *   presence logit) and `Identity_2` [batch, 1] (tongue-out score, already a sigmoid).
 * - blendshapes: `serving_default_input_points:0` [batch, 146, 2], the x, y of 146 of the 478
 *   landmarks in image pixels (MediaPipe's face_blendshapes_graph.cc: normalised landmark times
 *   image width / height; the graph centres and scales them itself); output
 *   `StatefulPartitionedCall:0` [batch, 52] blendshape scores in [0, 1], `_neutral` first.
 * - geometry: geometry_pipeline_metadata_landmarks.binarypb, the face geometry pipeline's
 *   metadata, passed through unchanged.
 */
export interface FaceLandmarkerOnnx {
  readonly detector: Uint8Array;
  readonly landmarks: Uint8Array;
  readonly blendshapes: Uint8Array;
  readonly geometry: Uint8Array;
}

export const FACE_LANDMARKER_ENTRIES = {
  detector: 'face_detector.tflite',
  landmarks: 'face_landmarks_detector.tflite',
  blendshapes: 'face_blendshapes.tflite',
  geometry: 'geometry_pipeline_metadata_landmarks.binarypb',
} as const;

/**
 * Converts the three graphs of a face_landmarker.task. Throws TaskBundleError, TfliteFormatError
 * or TfliteConversionError, each with one line that names the entry (and the operator) at fault.
 */
export function faceLandmarkerOnnx(task: Uint8Array, options: ConvertOptions = {}): FaceLandmarkerOnnx {
  const entries = readTaskBundle(task);
  const entry = (name: string): Uint8Array => {
    const bytes = entries.get(name);
    if (bytes === undefined) throw new TaskBundleError(`the bundle has no "${name}" (it holds ${[...entries.keys()].join(', ') || 'nothing'})`);
    return bytes;
  };
  const convert = (name: string): Uint8Array => tfliteFileToOnnx(entry(name), name, options);
  return {
    detector: convert(FACE_LANDMARKER_ENTRIES.detector),
    landmarks: convert(FACE_LANDMARKER_ENTRIES.landmarks),
    blendshapes: convert(FACE_LANDMARKER_ENTRIES.blendshapes),
    geometry: new Uint8Array(entry(FACE_LANDMARKER_ENTRIES.geometry)),
  };
}

/** One .tflite file to ONNX; errors are prefixed with `name`. */
export function tfliteFileToOnnx(bytes: Uint8Array, name: string, options: ConvertOptions = {}): Uint8Array {
  try {
    return tfliteToOnnx(readTflite(bytes), options);
  } catch (error) {
    if (error instanceof TfliteFormatError) throw new TfliteFormatError(`${name}: ${error.message}`);
    if (error instanceof TfliteConversionError) throw new TfliteConversionError(`${name}: ${error.message}`);
    throw error;
  }
}
