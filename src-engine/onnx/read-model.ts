/**
 * Reading .onnx files: decode, sanity-check (a truncated or foreign file gets a clear error naming
 * the file), and expose what the importer and `netwright predict` need: inputs that are not
 * initializers, outputs, metadata and initializer values.
 */
import {
  DataType,
  decodeModel,
  int64,
  type Dimension,
  type ModelProto,
  type TensorProto,
  type ValueInfoProto,
} from './schema.ts';

export class OnnxFormatError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file} is not a usable ONNX model: ${problem}`);
    this.name = 'OnnxFormatError';
  }
}

export interface TensorInfo {
  name: string;
  /** Dimensions; symbolic or unknown ones are null. */
  dims: (number | null)[];
  elemType: number;
}

export interface OnnxFile {
  model: ModelProto;
  metadata: Record<string, string>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  initializers: Map<string, TensorProto>;
}

/** Decode and check the bytes of an .onnx file. */
export function readOnnx(bytes: Uint8Array, file = 'model.onnx'): OnnxFile {
  if (bytes.length === 0) throw new OnnxFormatError(file, 'the file is empty');
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new OnnxFormatError(
      file,
      `it could not be decoded as an ONNX protobuf (${(e as Error).message}); the file may be truncated or of another kind`,
    );
  }
  const g = model.graph;
  if (!g || !g.node?.length || !g.output?.length)
    throw new OnnxFormatError(
      file,
      'it has no graph with nodes and outputs; the file may be damaged or of another kind',
    );
  if (!model.opsetImport?.length) throw new OnnxFormatError(file, 'it declares no operator set');
  const initializers = new Map((g.initializer ?? []).map((t) => [t.name, t]));
  const info = (v: ValueInfoProto): TensorInfo => ({
    name: v.name,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d: Dimension) =>
      d.dimValue !== undefined && d.dimValue !== null ? int64(d.dimValue) : null,
    ),
    elemType: v.type?.tensorType?.elemType ?? 0,
  });
  return {
    model,
    metadata: Object.fromEntries((model.metadataProps ?? []).map((m) => [m.key, m.value])),
    inputs: (g.input ?? []).filter((v) => !initializers.has(v.name)).map(info),
    outputs: (g.output ?? []).map(info),
    initializers,
  };
}

const ELEMENT_BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.INT64]: 8 };

/**
 * The values of a float, double or int64 initializer, row-major, with its dims. The dims must be
 * whole numbers whose product the stored data actually holds (a header claiming 2^40 values is
 * refused before anything is allocated); throws OnnxFormatError naming the file and tensor.
 */
export function tensorValues(t: TensorProto, file = 'model.onnx'): { dims: number[]; data: Float32Array } {
  const bad = (problem: string): never => {
    throw new OnnxFormatError(file, `the tensor '${t.name}' ${problem}`);
  };
  const dims = (t.dims ?? []).map(int64);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(`has invalid dimensions (${dims.join(' × ')})`);
  const n = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData;
  const held = raw?.length
    ? raw.length / (ELEMENT_BYTES[t.dataType ?? 0] ?? bad(`has data type ${t.dataType}, not float`))
    : (t.floatData?.length ?? 0) ||
      (t.doubleData?.length ?? 0) ||
      (t.int64Data?.length ?? 0) ||
      (t.int32Data?.length ?? 0);
  if (n > 0 && held === 0) bad('has no data (external data files are not supported)');
  if (held !== n) bad(`claims ${n} values (${dims.join(' × ')}) but holds ${held}`);
  const out = new Float32Array(n);
  if (raw && raw.length) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dataType === DataType.FLOAT) for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
    else if (t.dataType === DataType.DOUBLE) for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
    else for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
  } else if (t.floatData?.length) out.set(t.floatData);
  else if (t.doubleData?.length) out.set(t.doubleData);
  else if (t.int64Data?.length) t.int64Data.forEach((v, i) => (out[i] = int64(v)));
  else if (t.int32Data?.length) out.set(t.int32Data);
  return { dims, data: out };
}
