import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, DataType, type Model as OnnxModel, type ValueInfo } from '../../../src/models/onnx-format.js';
import { faceLandmarkerOnnx, type FaceLandmarkerOnnx } from '../../../src/model-build/tflite/face-landmarker-onnx.js';
import { readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { FACE_LANDMARKER_TASK, readTask } from './face-landmarker-fixture.js';

const signature = (values: ValueInfo[] | undefined) =>
  (values ?? []).map((v) => `${v.name} [${(v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam ?? d.dimValue).join(',')}]`);

describe('faceLandmarkerOnnx', () => {
  let task: Uint8Array;
  let models: FaceLandmarkerOnnx;
  let onnx: Record<'detector' | 'landmarks' | 'blendshapes', OnnxModel>;
  beforeAll(() => {
    task = readTask();
    models = faceLandmarkerOnnx(task);
    onnx = { detector: decodeModel(models.detector), landmarks: decodeModel(models.landmarks), blendshapes: decodeModel(models.blendshapes) };
  });

  it('gives opset-13 models with a free batch dimension, NCHW image inputs and flattened outputs', () => {
    for (const model of Object.values(onnx)) expect(model.opsetImport).toEqual([{ domain: '', version: '13' }]);
    expect(signature(onnx.detector.graph.input)).toEqual(['input [batch,3,128,128]']);
    expect(signature(onnx.detector.graph.output)).toEqual(['regressors [batch,896,16]', 'classificators [batch,896,1]']);
    expect(signature(onnx.landmarks.graph.input)).toEqual(['input_12 [batch,3,256,256]']);
    expect(signature(onnx.landmarks.graph.output)).toEqual(['Identity [batch,1434]', 'Identity_1 [batch,1]', 'Identity_2 [batch,1]']);
    expect(signature(onnx.blendshapes.graph.input)).toEqual(['serving_default_input_points:0 [batch,146,2]']);
    expect(signature(onnx.blendshapes.graph.output)).toEqual(['StatefulPartitionedCall:0 [batch,52]']);
  });

  it('holds float32 weights (no float16 left) and folds every DEQUANTIZE', () => {
    for (const model of Object.values(onnx)) {
      expect(new Set(model.graph.initializer?.map((t) => t.dataType))).toEqual(new Set([DataType.FLOAT, DataType.INT64]));
      expect(model.graph.node?.some((n) => n.opType === 'DequantizeLinear' || n.opType === 'Cast')).toBe(false);
    }
  });

  it('keeps activations NCHW: Transposes only where TFLite reshapes or transposes', () => {
    const transposes = (model: OnnxModel) => model.graph.node?.filter((n) => n.opType === 'Transpose').length;
    // Detector: before its 4 RESHAPEs of NHWC maps into anchors; landmarks: none (its reshape is of a
    // 1x1 map); blendshapes: its own 10 TRANSPOSEs of token mixing, each composed with the layout change.
    expect(transposes(onnx.detector)).toBe(4);
    expect(transposes(onnx.landmarks)).toBe(0);
    expect(transposes(onnx.blendshapes)).toBe(10);
  });

  it('converts a bundle read as a Node Buffer (whose slice() is a view of the whole file) to the same models', () => {
    const fromBuffer = faceLandmarkerOnnx(readFileSync(FACE_LANDMARKER_TASK));
    expect(Buffer.from(fromBuffer.detector).equals(Buffer.from(models.detector))).toBe(true);
    expect(Buffer.from(fromBuffer.blendshapes).equals(Buffer.from(models.blendshapes))).toBe(true);
  });

  it('passes the geometry metadata through unchanged', () => {
    const original = readTaskBundle(task).get('geometry_pipeline_metadata_landmarks.binarypb')!;
    expect(Buffer.from(models.geometry).equals(Buffer.from(original))).toBe(true);
  });
});
