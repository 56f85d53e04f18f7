import { OnnxFormatError } from '../models/errors.js';
import type { GraphPatch } from '../models/model-source.js';
import { DataType, decodeModel, encodeModel, type Graph, type Tensor, type ValueInfo } from '../models/onnx-format.js';

/**
 * Makes a batch-1 ONNX model accept any batch size: inputs and outputs get a symbolic first
 * dimension, stale intermediate shapes are dropped, and every constant Reshape target whose first
 * entry is the batch of 1 copies the input's batch instead (ONNX Reshape's 0 means "keep this
 * dimension", so [1,-1] becomes [0,-1] and [1,2,58,28,28] becomes [0,2,58,28,28]).
 */
export function patchForBatching(bytes: Uint8Array, patch: GraphPatch): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph;
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  for (const value of graph.input ?? []) {
    if (!initializerNames.has(value.name)) makeBatchSymbolic(value, patch.batchDimension);
  }
  for (const value of graph.output ?? []) makeBatchSymbolic(value, patch.batchDimension);
  graph.valueInfo = [];
  for (const shape of constantReshapeTargets(graph)) keepBatchOnReshape(shape);
  for (const extra of patch.extraOutputs ?? []) {
    if (!(graph.node ?? []).some((n) => n.output?.includes(extra.name))) {
      throw new OnnxFormatError(`no node produces tensor "${extra.name}" to expose as an output`);
    }
    if ((graph.output ?? []).some((o) => o.name === extra.name)) continue;
    graph.output = [...(graph.output ?? []), floatOutput(extra.name, patch.batchDimension, extra.features)];
  }
  return encodeModel(model);
}

function makeBatchSymbolic(value: ValueInfo, batchDimension: string): void {
  const dims = value.type?.tensorType?.shape?.dim;
  if (!dims || dims.length === 0) return;
  if (dims[0].dimParam) return;
  if (dims[0].dimValue !== '1') {
    throw new OnnxFormatError(`"${value.name}" has batch ${dims[0].dimValue}, expected 1`);
  }
  dims[0] = { dimParam: batchDimension };
}

function constantReshapeTargets(graph: Graph): Tensor[] {
  const constants = new Map<string, Tensor>();
  for (const tensor of graph.initializer ?? []) if (tensor.name) constants.set(tensor.name, tensor);
  for (const node of graph.node ?? []) {
    const value = node.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined;
    if (value && node.output?.[0]) constants.set(node.output[0], value);
  }
  const targets: Tensor[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Reshape') continue;
    const shape = constants.get(node.input?.[1] ?? '');
    if (shape && !targets.includes(shape)) targets.push(shape);
  }
  return targets;
}

function keepBatchOnReshape(shape: Tensor): void {
  if (shape.dataType !== DataType.INT64) throw new OnnxFormatError(`Reshape target "${shape.name}" is not int64`);
  if (shape.int64Data && shape.int64Data.length > 0) {
    if (shape.int64Data[0] === '1') shape.int64Data[0] = '0';
    return;
  }
  if (!shape.rawData || shape.rawData.length < 8) return;
  const raw = new Uint8Array(shape.rawData);
  const view = new DataView(raw.buffer);
  if (view.getBigInt64(0, true) === 1n) view.setBigInt64(0, 0n, true);
  shape.rawData = raw;
}

function floatOutput(name: string, batchDimension: string, features: number): ValueInfo {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: batchDimension }, { dimValue: String(features) }] } } },
  };
}
