/**
 * A small builder for ONNX graphs: nodes with unique names, deduplicated constants, typed inputs
 * and outputs with symbolic dimensions, and the finished ModelProto.
 */
import {
  AttrType,
  DataType,
  type AttributeProto,
  type Dimension,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './schema.ts';

/** Opset of the default domain that every Netwright model imports. */
export const OPSET = 17;
/** IR version matching opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;
/** Opset of the ai.onnx.ml domain, imported only by models that use it (OneHotEncoder). */
export const ML_OPSET = 3;

export type ElemType = 'float32' | 'float64';
/** A dimension: a fixed size or a symbolic name such as 'N'. */
export type Dim = number | string;
/** Attribute values: a number is an INT, `{ f }` a FLOAT. */
export type AttrValue =
  number | string | number[] | { f: number } | { floats: number[] } | { strings: string[] } | { tensor: TensorProto };

/** Encode typed values as a TensorProto with raw little-endian data. */
export function tensorProto(
  name: string,
  dims: readonly number[],
  data: ArrayLike<number>,
  type: ElemType | 'int64',
): TensorProto {
  const n = data.length;
  let raw: Uint8Array;
  if (type === 'int64') {
    raw = new Uint8Array(n * 8);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(data[i]!), true);
  } else if (type === 'float64') {
    raw = new Uint8Array(n * 8);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < n; i++) dv.setFloat64(i * 8, data[i]!, true);
  } else {
    raw = new Uint8Array(n * 4);
    const dv = new DataView(raw.buffer);
    for (let i = 0; i < n; i++) dv.setFloat32(i * 4, data[i]!, true);
  }
  return {
    name,
    dims: [...dims],
    dataType: type === 'int64' ? DataType.INT64 : type === 'float64' ? DataType.DOUBLE : DataType.FLOAT,
    rawData: raw,
  };
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: AttrType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if ('strings' in v)
    return { name, type: AttrType.STRINGS, strings: v.strings.map((x) => new TextEncoder().encode(x)) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('f' in v) return { name, type: AttrType.FLOAT, f: v.f };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  return { name, type: AttrType.TENSOR, t: v.tensor };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  /** Types and shapes of intermediate values that shape inference cannot derive (ai.onnx.ml outputs). */
  readonly valueInfo: ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly consts = new Map<string, string>();
  private usesMl = false;
  private readonly renamed = new Map<string, string>();

  constructor(readonly elem: ElemType = 'float32') {}

  /** A fresh value name starting with `base`. */
  fresh(base: string): string {
    let name = base.replace(/[^A-Za-z0-9_.:/-]/g, '_');
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /** Reserve an exact name (graph inputs and outputs); throws if taken. */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX value name '${name}' is used twice`);
    this.names.add(name);
    return name;
  }

  /** Append a node; returns its output names (fresh ones unless given). */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    outputs: number | string[] = 1,
    hint = opType,
  ): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(hint)) : outputs;
    this.nodes.push({
      name: this.fresh(`n_${hint}`),
      opType,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A one-output node of the ai.onnx.ml domain (classical ML ops such as OneHotEncoder). */
  mlOp(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, hint = opType): string {
    const out = this.op1(opType, inputs, attrs, hint);
    this.nodes.at(-1)!.domain = 'ai.onnx.ml';
    this.usesMl = true;
    return out;
  }

  /** One-output node shorthand. */
  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, hint = opType): string {
    return this.op(opType, inputs, attrs, 1, hint)[0]!;
  }

  /** A constant initializer in the builder's float type (deduplicated by value and shape). */
  constant(values: readonly number[], dims: readonly number[] = [1, 1]): string {
    return this.typedConst(values, dims, this.elem);
  }

  /** An int64 constant (shapes, axes, slice bounds). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.typedConst(values, dims, 'int64');
  }

  private typedConst(values: readonly number[], dims: readonly number[], type: ElemType | 'int64'): string {
    const key = `${type}|${dims.join('x')}|${values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    const hit = this.consts.get(key);
    if (hit) return hit;
    const name = this.fresh(type === 'int64' ? 'const_i64' : 'const');
    this.initializers.push(tensorProto(name, dims, values, type));
    this.consts.set(key, name);
    return name;
  }

  /** A named initializer (weights). */
  initializer(name: string, dims: readonly number[], data: ArrayLike<number>, type: ElemType = this.elem): string {
    this.reserve(name);
    this.initializers.push(tensorProto(name, dims, data, type));
    return name;
  }

  /** Declare a graph input. */
  input(name: string, dims: readonly Dim[], type: ElemType | 'int64' | 'string' = this.elem, doc?: string): string {
    this.reserve(name);
    this.inputs.push(valueInfo(name, dims, type, doc));
    return name;
  }

  /** Declare a graph input under a fresh name derived from `base` (e.g. a data column's name). */
  freshInput(
    base: string,
    dims: readonly Dim[],
    type: ElemType | 'int64' | 'string' = this.elem,
    doc?: string,
  ): string {
    const name = this.fresh(base);
    this.inputs.push(valueInfo(name, dims, type, doc));
    return name;
  }

  /** Declare the type and shape of an intermediate value (graph value_info), for strict shape inference. */
  declare(name: string, dims: readonly Dim[], type: ElemType | 'int64' | 'string' = this.elem): string {
    this.valueInfo.push(valueInfo(name, dims, type));
    return name;
  }

  /**
   * Declare a graph output. A value computed by a node here is renamed to `name` in place; graph
   * inputs, initializers and values already output get an Identity (a copy, which ORT does not elide).
   */
  output(
    name: string,
    value: string,
    dims: readonly Dim[],
    type: ElemType | 'int64' | 'string' = this.elem,
    doc?: string,
  ): string {
    // A value already declared as an output under another name is read under that name.
    value = this.renamed.get(value) ?? value;
    if (value !== name) {
      this.reserve(name);
      const producer = this.nodes.find((n) => n.output.includes(value));
      if (producer && !this.outputs.some((o) => o.name === value)) {
        producer.output = producer.output.map((o) => (o === value ? name : o));
        for (const n of this.nodes) n.input = n.input.map((i) => (i === value ? name : i));
        this.renamed.set(value, name);
      } else {
        this.op('Identity', [value], {}, [name]);
      }
    }
    this.outputs.push(valueInfo(name, dims, type, doc));
    return name;
  }

  /** The finished model. */
  model(
    graphName: string,
    opts: { doc?: string; metadata?: Record<string, string>; producerVersion?: string },
  ): ModelProto {
    return {
      irVersion: IR_VERSION,
      opsetImport: [
        { domain: '', version: OPSET },
        ...(this.usesMl ? [{ domain: 'ai.onnx.ml', version: ML_OPSET }] : []),
      ],
      producerName: 'Netwright',
      producerVersion: opts.producerVersion ?? '',
      docString: opts.doc ?? '',
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
        ...(this.valueInfo.length ? { valueInfo: this.valueInfo } : {}),
      },
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
  }
}

function elemCode(type: ElemType | 'int64' | 'string'): number {
  switch (type) {
    case 'float32':
      return DataType.FLOAT;
    case 'float64':
      return DataType.DOUBLE;
    case 'int64':
      return DataType.INT64;
    case 'string':
      return DataType.STRING;
  }
}

function valueInfo(
  name: string,
  dims: readonly Dim[],
  type: ElemType | 'int64' | 'string',
  doc?: string,
): ValueInfoProto {
  const dim: Dimension[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return {
    name,
    type: { tensorType: { elemType: elemCode(type), shape: { dim } } },
    ...(doc ? { docString: doc } : {}),
  };
}
