import protobuf from 'protobufjs';
import { OnnxFormatError } from './errors.js';

/**
 * The part of the ONNX IR (onnx.proto, IR version 8) that Mien reads and rewrites when it patches
 * a model at provisioning time. protobufjs drops fields it has no schema for, so `decodeModel`
 * refuses a model that does not re-encode to the same bytes: a patch never loses data silently.
 */
const ONNX_SCHEMA = `
syntax = "proto2";
package onnx;

message AttributeProto {
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional string doc_string = 13;
  optional int32 type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  optional SparseTensorProto sparse_tensor = 22;
  optional TypeProto tp = 14;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  repeated SparseTensorProto sparse_tensors = 23;
  repeated TypeProto type_protos = 15;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1 [packed = true];
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  message Sequence {
    optional TypeProto elem_type = 1;
  }
  message Map {
    optional int32 key_type = 1;
    optional TypeProto value_type = 2;
  }
  message Optional {
    optional TypeProto elem_type = 1;
  }
  oneof value {
    Tensor tensor_type = 1;
    Sequence sequence_type = 4;
    Map map_type = 5;
    Optional optional_type = 9;
    Tensor sparse_tensor_type = 8;
  }
  optional string denotation = 6;
}
`;

/** int64 fields are decimal strings: JavaScript numbers would round INT64_MAX (a common Slice end). */
export type Int64 = string;

export interface Dimension {
  dimValue?: Int64;
  dimParam?: string;
}

export interface ValueInfo {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: Dimension[] } } };
}

export interface Tensor {
  name?: string;
  dims?: Int64[];
  dataType?: number;
  rawData?: Uint8Array;
  int64Data?: Int64[];
  floatData?: number[];
}

export interface Attribute {
  name: string;
  type?: number;
  f?: number;
  i?: Int64;
  ints?: Int64[];
  t?: Tensor;
}

export interface Node {
  input?: string[];
  output?: string[];
  name?: string;
  opType: string;
  attribute?: Attribute[];
}

export interface Graph {
  node?: Node[];
  initializer?: Tensor[];
  input?: ValueInfo[];
  output?: ValueInfo[];
  valueInfo?: ValueInfo[];
}

export interface Model {
  irVersion?: Int64;
  opsetImport?: { domain?: string; version?: Int64 }[];
  graph: Graph;
}

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

const root = protobuf.parse(ONNX_SCHEMA, { keepCase: false }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, bytes: Uint8Array, defaults: false, arrays: true };

export function decodeModel(bytes: Uint8Array): Model {
  let model: Model;
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), TO_OBJECT) as Model;
  } catch (error) {
    throw new OnnxFormatError(`not an ONNX model: ${(error as Error).message}`);
  }
  if (!Buffer.from(encodeModel(model)).equals(bytes)) {
    throw new OnnxFormatError('ONNX model uses fields this reader does not know (it does not re-encode to the same bytes); refusing to patch it');
  }
  // Decoded bytes may lack any field, the graph included.
  if (!(model as Partial<Model>).graph) throw new OnnxFormatError('ONNX model has no graph');
  return model;
}

export function encodeModel(model: Model): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
