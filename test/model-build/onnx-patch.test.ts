import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxFormatError } from '../../src/models/errors.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { decodeModel, encodeModel } from '../../src/models/onnx-format.js';
import { patchForBatching } from '../../src/model-build/onnx-patch.js';

/** A minimal model: input [1,4] -> Reshape(shape = [1,-1] as an initializer) -> output [1,4]. */
function tinyReshapeModel(): Uint8Array {
  const shape = new Uint8Array(16);
  new DataView(shape.buffer).setBigInt64(0, 1n, true);
  new DataView(shape.buffer).setBigInt64(8, -1n, true);
  const tensor = (name: string, dims: string[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  return encodeModel({
    irVersion: '7',
    opsetImport: [{ version: '9' }],
    graph: {
      node: [{ opType: 'Reshape', input: ['x', 'shape'], output: ['y'], name: 'r' }],
      initializer: [{ name: 'shape', dims: ['2'], dataType: 7, rawData: shape }],
      input: [tensor('x', ['1', '4'])],
      output: [tensor('y', ['1', '4'])],
      valueInfo: [tensor('y', ['1', '4'])],
    },
  });
}

describe('patchForBatching', () => {
  it('makes the batch symbolic, keeps the batch in Reshape targets and drops stale shapes', () => {
    const model = decodeModel(patchForBatching(tinyReshapeModel(), { batchDimension: 'batch' }));
    expect(model.graph.input?.[0].type?.tensorType?.shape?.dim?.[0]).toEqual({ dimParam: 'batch' });
    expect(model.graph.output?.[0].type?.tensorType?.shape?.dim?.[0]).toEqual({ dimParam: 'batch' });
    expect(model.graph.valueInfo ?? []).toEqual([]);
    const raw = model.graph.initializer?.[0].rawData as Uint8Array;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect([view.getBigInt64(0, true), view.getBigInt64(8, true)]).toEqual([0n, -1n]);
  });

  it('exposes an intermediate tensor as an output, and refuses one that does not exist', () => {
    const model = decodeModel(patchForBatching(tinyReshapeModel(), { batchDimension: 'n', extraOutputs: [{ name: 'y', features: 4 }] }));
    expect(model.graph.output?.map((o) => o.name)).toEqual(['y']);
    expect(() => patchForBatching(tinyReshapeModel(), { batchDimension: 'n', extraOutputs: [{ name: 'nope', features: 1 }] })).toThrow(
      /no node produces tensor "nope"/,
    );
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => decodeModel(new TextEncoder().encode('this is not protobuf at all, just text'))).toThrow(OnnxFormatError);
  });

  it('round-trips every provisioned model byte for byte', () => {
    for (const file of ['fr_detect.onnx', 'fr_landmark.onnx', 'fr_feature.onnx', 'fr_pose.onnx']) {
      const bytes = readFileSync(join(defaultModelsDir(), file));
      expect(Buffer.from(encodeModel(decodeModel(bytes))).equals(bytes)).toBe(true);
    }
  });
});
