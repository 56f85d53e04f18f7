import { readFileSync } from 'node:fs';
import { DataType, decodeModel, encodeModel, type Model, type Tensor } from '../models/onnx-format.js';
import { HeadFormatError } from './errors.js';

/**
 * FEENet's embedding head (Vemulapalli & Agarwala 2019): two dense layers, ReLU between them, the
 * output L2-normalised, on top of a frozen backbone's pooled features. Weights are row-major
 * (`w1` is hidden x inputs), with any input standardisation already folded into the first layer.
 */
export interface EmbeddingHead {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

/** The head's pre-normalisation output and hidden activations, kept for back-propagation. */
export interface HeadActivations {
  /** ReLU outputs (after any dropout), `hidden` long. */
  readonly hidden: Float32Array;
  /** Second-layer output before normalisation. */
  readonly raw: Float32Array;
  /** `raw` L2-normalised: the embedding. */
  readonly embedding: Float32Array;
}

/** The forward pass; `keep` (training only) scales each hidden unit, 0 for dropped ones. */
export function headActivations(head: EmbeddingHead, x: ArrayLike<number>, keep?: Float32Array): HeadActivations {
  const { inputs, hidden: h, outputs, w1, b1, w2, b2 } = head;
  if (x.length !== inputs) throw new TypeError(`the head takes ${inputs} features, got ${x.length}`);
  const hidden = new Float32Array(h);
  for (let j = 0; j < h; j++) {
    let sum = b1[j];
    for (let i = 0, row = j * inputs; i < inputs; i++) sum += w1[row + i] * x[i];
    hidden[j] = sum > 0 ? sum * (keep ? keep[j] : 1) : 0;
  }
  const raw = new Float32Array(outputs);
  for (let k = 0; k < outputs; k++) {
    let sum = b2[k];
    for (let j = 0, row = k * h; j < h; j++) sum += w2[row + j] * hidden[j];
    raw[k] = sum;
  }
  let norm = 0;
  for (let k = 0; k < outputs; k++) norm += raw[k] * raw[k];
  norm = Math.sqrt(norm) || 1;
  return { hidden, raw, embedding: raw.map((v) => v / norm) };
}

export function headEmbedding(head: EmbeddingHead, x: ArrayLike<number>): Float32Array {
  return headActivations(head, x).embedding;
}

/** Graph tensor names of a head written as ONNX. */
export const HEAD_ONNX = { input: 'pooled', output: 'embedding', opset: 11 } as const;

const floatTensor = (name: string, dims: number[], values: Float32Array): Tensor => ({
  name,
  dims: dims.map(String),
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
});

/** The head as an ONNX model: Gemm, Relu, Gemm, LpNormalization; input [batch, inputs]. */
export function encodeHeadOnnx(head: EmbeddingHead): Uint8Array {
  const io = (name: string, width: number) => ({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: String(width) }] } } } });
  const transB = { name: 'transB', type: 2, i: '1' };
  const model: Model = {
    irVersion: '7',
    opsetImport: [{ version: String(HEAD_ONNX.opset) }],
    graph: {
      node: [
        { opType: 'Gemm', input: [HEAD_ONNX.input, 'w1', 'b1'], output: ['fc1'], name: 'fc1', attribute: [transB] },
        { opType: 'Relu', input: ['fc1'], output: ['relu1'], name: 'relu1' },
        { opType: 'Gemm', input: ['relu1', 'w2', 'b2'], output: ['fc2'], name: 'fc2', attribute: [transB] },
        { opType: 'LpNormalization', input: ['fc2'], output: [HEAD_ONNX.output], name: 'l2', attribute: [{ name: 'axis', type: 2, i: '1' }, { name: 'p', type: 2, i: '2' }] },
      ],
      initializer: [
        floatTensor('w1', [head.hidden, head.inputs], head.w1),
        floatTensor('b1', [head.hidden], head.b1),
        floatTensor('w2', [head.outputs, head.hidden], head.w2),
        floatTensor('b2', [head.outputs], head.b2),
      ],
      input: [io(HEAD_ONNX.input, head.inputs)],
      output: [io(HEAD_ONNX.output, head.outputs)],
    },
  };
  return encodeModel(model);
}

/** Reads a head written by `encodeHeadOnnx` (or any ONNX graph of the same shape and names). */
export function decodeHeadOnnx(bytes: Uint8Array, label = 'head'): EmbeddingHead {
  const { graph } = decodeModel(bytes);
  const ops = (graph.node ?? []).map((n) => n.opType).join(',');
  if (ops !== 'Gemm,Relu,Gemm,LpNormalization') throw new HeadFormatError(`${label}: expected Gemm, Relu, Gemm, LpNormalization, got ${ops}`);
  const weight = (name: string): { dims: number[]; values: Float32Array } => {
    const t = graph.initializer?.find((i) => i.name === name);
    if (!t?.rawData || t.dataType !== DataType.FLOAT) throw new HeadFormatError(`${label}: no float initializer "${name}"`);
    const copy = new Uint8Array(t.rawData); // its own buffer, aligned for a Float32Array view
    return { dims: (t.dims ?? []).map(Number), values: new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4) };
  };
  const w1 = weight('w1'), b1 = weight('b1'), w2 = weight('w2'), b2 = weight('b2');
  const [hidden, inputs] = w1.dims, [outputs] = w2.dims;
  if (w2.dims[1] !== hidden || b1.values.length !== hidden || b2.values.length !== outputs) throw new HeadFormatError(`${label}: layer sizes do not chain`);
  return { inputs, hidden, outputs, w1: w1.values, b1: b1.values, w2: w2.values, b2: b2.values };
}

export function readHeadOnnx(path: string): EmbeddingHead {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new HeadFormatError(`expression head ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return decodeHeadOnnx(bytes, path);
}
