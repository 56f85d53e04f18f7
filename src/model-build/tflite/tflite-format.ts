import { FlatbufferError, TfliteFormatError } from '../errors.js';
import { FlatTable } from './flatbuffer.js';

/**
 * The part of TensorFlow Lite's model schema (tensorflow/lite/schema/schema.fbs, file identifier
 * "TFL3") that MediaPipe's face graphs use, read by hand into plain objects. Field numbers below
 * are the schema's field order; builtin options are read for the operators listed in
 * `OperatorKind`, and any other operator is kept as `OTHER` with its name so a converter can
 * refuse it by name.
 */

/** schema.fbs TensorType, by value. */
const TENSOR_TYPES = ['FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64', 'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4'] as const;
export type TensorType = (typeof TENSOR_TYPES)[number];

/** schema.fbs ActivationFunctionType, by value. */
const ACTIVATIONS = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export type Padding = 'SAME' | 'VALID';

/** schema.fbs BuiltinOperator names by value, for messages about operators this reader does not decode. */
const BUILTIN_NAMES = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED ' +
  'HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU ' +
  'RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS ' +
  'SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE ' +
  'MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT ' +
  'LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG ' +
  'PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE ' +
  'EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN ' +
  'FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN ' +
  'FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE ' +
  'MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE ' +
  'RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE ' +
  'NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL'
).split(' ');

export const builtinName = (code: number): string => BUILTIN_NAMES[code] ?? `builtin operator ${code}`;

export interface ConvOptions {
  readonly padding: Padding;
  readonly strideW: number;
  readonly strideH: number;
  readonly dilationW: number;
  readonly dilationH: number;
  readonly activation: Activation;
}

export interface DepthwiseConvOptions extends ConvOptions {
  /** Redundant in TFLite >= 2.0 (the filter's channel count decides); kept for checks. */
  readonly depthMultiplier: number;
}

export interface PoolOptions {
  readonly padding: Padding;
  readonly strideW: number;
  readonly strideH: number;
  readonly filterW: number;
  readonly filterH: number;
  readonly activation: Activation;
}

export interface StridedSliceOptions {
  readonly beginMask: number;
  readonly endMask: number;
  readonly ellipsisMask: number;
  readonly newAxisMask: number;
  readonly shrinkAxisMask: number;
  /** When set, `end` is relative to `begin` (schema field 5, newer TFLite). */
  readonly offset: boolean;
}

/** Operators whose semantics need nothing beyond their input tensors. */
export type PlainOp = 'DEQUANTIZE' | 'PAD' | 'TRANSPOSE' | 'RELU' | 'RELU6' | 'PRELU' | 'LOGISTIC' | 'TANH' | 'NEG' | 'RSQRT' | 'SQRT' | 'SQUARED_DIFFERENCE';
export type BinaryOp = 'ADD' | 'SUB' | 'MUL' | 'DIV';
export type ReduceOp = 'MEAN' | 'SUM';

export type OperatorKind =
  | { readonly op: 'CONV_2D'; readonly options: ConvOptions }
  | { readonly op: 'DEPTHWISE_CONV_2D'; readonly options: DepthwiseConvOptions }
  | { readonly op: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'; readonly options: PoolOptions }
  | { readonly op: BinaryOp; readonly options: { readonly activation: Activation } }
  | { readonly op: 'CONCATENATION'; readonly options: { readonly axis: number; readonly activation: Activation } }
  | { readonly op: 'RESHAPE'; readonly options: { readonly newShape: readonly number[] | undefined } }
  | { readonly op: ReduceOp; readonly options: { readonly keepDims: boolean } }
  | { readonly op: 'STRIDED_SLICE'; readonly options: StridedSliceOptions }
  | { readonly op: PlainOp }
  /** Any operator this reader does not decode; `name` is its builtin name or custom code. */
  | { readonly op: 'OTHER'; readonly name: string };

export type Operator = OperatorKind & {
  /** Position in the subgraph's execution order. */
  readonly index: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
};

export interface Tensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: TensorType;
  /** The constant's little-endian bytes; undefined for activations. */
  readonly data: Uint8Array | undefined;
  /** Whether the tensor carries affine quantization (scale / zero point). */
  readonly quantized: boolean;
}

export interface Subgraph {
  readonly name: string;
  readonly tensors: readonly Tensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly operators: readonly Operator[];
}

export interface Model {
  readonly version: number;
  readonly description: string;
  readonly subgraphs: readonly Subgraph[];
  /** Model.metadata: named buffers, e.g. TFLITE_METADATA (the TFLite Support metadata flatbuffer). */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** The union type each decoded operator's builtin_options must carry (schema.fbs BuiltinOptions, 1-based). */
const OPTIONS_TYPE: Partial<Record<string, number>> = {
  CONV_2D: 1, DEPTHWISE_CONV_2D: 2, MAX_POOL_2D: 5, AVERAGE_POOL_2D: 5, CONCATENATION: 10, ADD: 11, RESHAPE: 17, MUL: 21,
  PAD: 22, TRANSPOSE: 26, MEAN: 27, SUM: 27, SUB: 28, DIV: 29, STRIDED_SLICE: 32, DEQUANTIZE: 38, NEG: 42, SQUARED_DIFFERENCE: 76,
};

/** Operators whose options must be present: their defaults (stride 0, no filter) mean nothing. */
const OPTIONS_REQUIRED = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'AVERAGE_POOL_2D']);

const PLAIN_OPS = new Set<string>(['DEQUANTIZE', 'PAD', 'TRANSPOSE', 'RELU', 'RELU6', 'PRELU', 'LOGISTIC', 'TANH', 'NEG', 'RSQRT', 'SQRT', 'SQUARED_DIFFERENCE']);

/** Reads a .tflite flatbuffer; throws TfliteFormatError with one line saying what is wrong. */
export function readTflite(bytes: Uint8Array): Model {
  try {
    return readModel(bytes);
  } catch (error) {
    if (error instanceof FlatbufferError) throw new TfliteFormatError(`not a readable TFLite model: ${error.message}`);
    throw error;
  }
}

function readModel(bytes: Uint8Array): Model {
  const root = FlatTable.root(bytes, 'TFL3');
  const version = root.uint32(0);
  if (version !== 3) throw new TfliteFormatError(`TFLite schema version ${version}, expected 3`);
  const codes = root.tables(1).map(readOperatorCode);
  const buffers = root.tables(4).map((b) => readBuffer(b, bytes));
  const metadata = new Map<string, Uint8Array>();
  for (const m of root.tables(6)) {
    const name = m.string(0) ?? '';
    metadata.set(name, bufferAt(buffers, m.uint32(1), `metadata "${name}"`));
  }
  const subgraphs = root.tables(2).map((g, i) => readSubgraph(g, i, codes, buffers));
  if (subgraphs.length === 0) throw new TfliteFormatError('TFLite model has no subgraph');
  return { version, description: root.string(3) ?? '', subgraphs, metadata };
}

/** TFLite's GetBuiltinCode: the larger of the 8-bit deprecated code and the 32-bit one. */
function readOperatorCode(code: FlatTable): string {
  const builtin = Math.max(code.int8(0), code.int32(3));
  return builtin === 32 ? `CUSTOM "${code.string(1) ?? ''}"` : builtinName(builtin);
}

/** Buffer.data, or the (offset, size) pair that models over 2 GB use, relative to the file's start. */
function readBuffer(buffer: FlatTable, file: Uint8Array): Uint8Array {
  const data = buffer.bytesOf(0);
  if (data !== undefined) return data;
  const offset = buffer.uint64(1), size = buffer.uint64(2);
  if (offset <= 1) return new Uint8Array(0);
  if (offset + size > file.length) throw new TfliteFormatError(`buffer at byte ${offset} (+${size}) lies past the end of the file: truncated`);
  return file.subarray(offset, offset + size);
}

function bufferAt(buffers: readonly Uint8Array[], index: number, what: string): Uint8Array {
  const buffer = buffers[index] as Uint8Array | undefined;
  if (buffer === undefined) throw new TfliteFormatError(`${what} refers to buffer ${index}, but the model has ${buffers.length}`);
  return buffer;
}

function readSubgraph(graph: FlatTable, index: number, codes: readonly string[], buffers: readonly Uint8Array[]): Subgraph {
  const tensors = graph.tables(0).map((t, i): Tensor => {
    const name = t.string(3) ?? `tensor ${i}`;
    const typeCode = t.int8(1);
    const type = TENSOR_TYPES[typeCode] as (typeof TENSOR_TYPES)[number] | undefined;
    if (type === undefined) throw new TfliteFormatError(`tensor "${name}" has unknown type ${typeCode}`);
    const data = bufferAt(buffers, t.uint32(2), `tensor "${name}"`);
    const quantization = t.table(4);
    return {
      index: i,
      name,
      shape: t.int32s(0),
      type,
      data: data.length > 0 ? data : undefined,
      quantized: quantization !== undefined && quantization.float32s(2).length > 0,
    };
  });
  const checkTensors = (list: number[], what: string): number[] => {
    for (const t of list) if (t < -1 || t >= tensors.length) throw new TfliteFormatError(`${what} refers to tensor ${t}, but subgraph ${index} has ${tensors.length}`);
    return list;
  };
  const operators = graph.tables(3).map((o, i): Operator => {
    const codeIndex = o.uint32(0);
    const name = codes[codeIndex] as (typeof codes)[number] | undefined;
    if (name === undefined) throw new TfliteFormatError(`operator ${i} uses operator code ${codeIndex}, but the model has ${codes.length}`);
    const kind = readKind(name, o, i);
    return { ...kind, index: i, inputs: checkTensors(o.int32s(1), `${name} (operator ${i})`), outputs: checkTensors(o.int32s(2), `${name} (operator ${i})`) };
  });
  return {
    name: graph.string(4) ?? '',
    tensors,
    inputs: checkTensors(graph.int32s(1), `subgraph ${index} inputs`),
    outputs: checkTensors(graph.int32s(2), `subgraph ${index} outputs`),
    operators,
  };
}

function readKind(name: string, operator: FlatTable, index: number): OperatorKind {
  const optionsType = operator.uint8(3);
  const expected = OPTIONS_TYPE[name];
  if (optionsType !== 0 && expected !== undefined && optionsType !== expected) {
    throw new TfliteFormatError(`${name} (operator ${index}) carries builtin options of union type ${optionsType}, expected ${expected}`);
  }
  const table = operator.table(4);
  if (table === undefined && OPTIONS_REQUIRED.has(name)) throw new TfliteFormatError(`${name} (operator ${index}) has no builtin options`);
  // Absent options read as the schema's defaults, as TFLite's own parser does.
  const o = table ?? FlatTable.root(EMPTY_TABLE);
  const activation = (field: number): Activation => {
    const value = o.int8(field);
    const a = ACTIVATIONS[value] as Activation | undefined;
    if (a === undefined) throw new TfliteFormatError(`${name} (operator ${index}) has unknown fused activation ${value}`);
    return a;
  };
  const padding = (): Padding => (o.int8(0) === 0 ? 'SAME' : 'VALID');
  switch (name) {
    case 'CONV_2D':
      return { op: name, options: { padding: padding(), strideW: o.int32(1), strideH: o.int32(2), activation: activation(3), dilationW: o.int32(4, 1), dilationH: o.int32(5, 1) } };
    case 'DEPTHWISE_CONV_2D':
      return {
        op: name,
        options: { padding: padding(), strideW: o.int32(1), strideH: o.int32(2), depthMultiplier: o.int32(3), activation: activation(4), dilationW: o.int32(5, 1), dilationH: o.int32(6, 1) },
      };
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
      return { op: name, options: { padding: padding(), strideW: o.int32(1), strideH: o.int32(2), filterW: o.int32(3), filterH: o.int32(4), activation: activation(5) } };
    case 'ADD':
    case 'SUB':
    case 'MUL':
    case 'DIV':
      return { op: name, options: { activation: activation(0) } };
    case 'CONCATENATION':
      return { op: name, options: { axis: o.int32(0), activation: activation(1) } };
    case 'RESHAPE':
      return { op: name, options: { newShape: table === undefined ? undefined : optionalInts(table, 0) } };
    case 'MEAN':
    case 'SUM':
      return { op: name, options: { keepDims: o.bool(0) } };
    case 'STRIDED_SLICE':
      return {
        op: name,
        options: { beginMask: o.int32(0), endMask: o.int32(1), ellipsisMask: o.int32(2), newAxisMask: o.int32(3), shrinkAxisMask: o.int32(4), offset: o.bool(5) },
      };
    default:
      return isPlain(name) ? { op: name } : { op: 'OTHER', name };
  }
}

const isPlain = (name: string): name is PlainOp => PLAIN_OPS.has(name);

/** ReshapeOptions.new_shape: absent means "take the shape input", which differs from an empty shape. */
function optionalInts(table: FlatTable, field: number): number[] | undefined {
  const values = table.int32s(field);
  return values.length === 0 && table.bytesOf(field) === undefined ? undefined : values;
}

/** A flatbuffer whose root is a table with no fields, standing in for absent options. */
const EMPTY_TABLE = new Uint8Array([12, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 4, 0, 0, 0]);
