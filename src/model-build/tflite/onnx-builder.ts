import { DataType, encodeModel, type Attribute, type Node, type Tensor, type ValueInfo } from '../../models/onnx-format.js';

/** ONNX AttributeProto.AttributeType values used here. */
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export type AttributeValue = number | readonly number[];

/** A dimension of a graph input or output: a size, or a named free dimension such as 'batch'. */
export type Dim = number | string;

/**
 * Accumulates an ONNX graph (nodes, initializers, unique value names) for one opset-13 model.
 * Every attribute this converter writes is an int or a list of ints.
 */
export class OnnxBuilder {
  static readonly OPSET = 13;
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly names = new Set<string>();

  /** Claims `name` exactly (graph inputs and outputs); throws if it is taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX value name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  /** A name not used yet, `base` itself when free. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}#${k}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output, named `output` (taken as is) or a fresh name from `opType`. */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    const attribute: Attribute[] = Object.entries(attributes).map(([name, value]) =>
      typeof value === 'number' ? { name, type: ATTRIBUTE_INT, i: String(value) } : { name, type: ATTRIBUTE_INTS, ints: value.map(String) },
    );
    this.nodes.push({ opType, name: out, input: [...inputs], output: [out], ...(attribute.length > 0 ? { attribute } : {}) });
    return out;
  }

  floats(base: string, dims: readonly number[], values: Float32Array): string {
    const name = this.fresh(base);
    const copy = values.slice();
    this.initializers.push({ name, dims: dims.map(String), dataType: DataType.FLOAT, rawData: new Uint8Array(copy.buffer) });
    return name;
  }

  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [String(values.length)], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  encode(inputs: readonly ValueInfo[], outputs: readonly ValueInfo[]): Uint8Array {
    return encodeModel({
      irVersion: '8',
      opsetImport: [{ domain: '', version: String(OnnxBuilder.OPSET) }],
      graph: { node: this.nodes, initializer: this.initializers, input: [...inputs], output: [...outputs] },
    });
  }
}

/** A float32 tensor's ValueInfo. */
export function floatValueInfo(name: string, dims: readonly Dim[]): ValueInfo {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: String(d) })) } } },
  };
}
