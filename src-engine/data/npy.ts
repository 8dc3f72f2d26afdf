/** NumPy .npy reader over bytes: bool, ints and floats of any byte order, C or Fortran order. */
import { DataError } from './errors.ts';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits.ts';
import { type NdArray, checkArrayShape, sizeOf } from './ndarray.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** Longest header we read: NumPy pads its header to 64 bytes and writes a few hundred at most. */
export const MAX_HEADER = 1 << 16;

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

function bad(file: string, problem: string, hint = 'Save the array again with numpy.save'): never {
  throw new DataError({ code: 'bad-format', file, problem, hint });
}

/** Parses the .npy header: magic, version, and the Python dict with descr, fortran_order, shape. */
export function parseNpyHeader(bytes: Uint8Array, file: string): Header {
  if (bytes.length === 0)
    throw new DataError({
      code: 'empty',
      file,
      problem: 'the file is empty',
      hint: 'Save the array again with numpy.save',
    });
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b))
    bad(file, 'it does not start with the NumPy magic bytes (\\x93NUMPY)');
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let len: number;
  let start: number;
  if (major === 1) [len, start] = [dv.getUint16(8, true), 10];
  else if (major === 2 || major === 3) {
    if (bytes.length < 12)
      throw new DataError({ code: 'truncated', file, problem: 'the header is cut short', hint: 'Copy the file again' });
    [len, start] = [dv.getUint32(8, true), 12];
  } else return bad(file, `NPY format version ${major} is not known`);
  if (len > MAX_HEADER) bad(file, `the header claims ${len} bytes (NumPy writes a few hundred)`);
  if (start + len > bytes.length)
    throw new DataError({ code: 'truncated', file, problem: 'the header is cut short', hint: 'Copy the file again' });
  let text = '';
  for (let i = start; i < start + len; i++) text += String.fromCharCode(bytes[i]!);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(text))
      throw new DataError({
        code: 'unsupported',
        file,
        problem: 'structured (record) arrays are not supported',
        hint: 'Save each field as its own array, e.g. with numpy.savez',
      });
    bad(file, 'the header has no dtype (descr)');
  }
  if (fortran === undefined || shapeText === undefined) bad(file, 'the header has no fortran_order or shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(file, `the shape (${shapeText}) is not valid`);
  return { descr, fortran: fortran === 'True', shape, dataOffset: start + len };
}

const DTYPES: Record<string, { size: number; f32: boolean }> = {
  b1: { size: 1, f32: true },
  i1: { size: 1, f32: true },
  u1: { size: 1, f32: true },
  i2: { size: 2, f32: true },
  u2: { size: 2, f32: true },
  f2: { size: 2, f32: true },
  i4: { size: 4, f32: false },
  u4: { size: 4, f32: false },
  f4: { size: 4, f32: true },
  i8: { size: 8, f32: false },
  u8: { size: 8, f32: false },
  f8: { size: 8, f32: false },
};

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** What the header says about the data: dtype, byte order, element count and the bytes it needs. */
export interface NpyLayout {
  header: Header;
  /** dtype key without byte order, e.g. 'f4'. */
  key: string;
  size: number;
  f32: boolean;
  little: boolean;
  /** Elements in the array. */
  n: number;
  /** Bytes of the whole file: header and data. */
  total: number;
}

/** Reads and checks the header (dtype, shape within the cell limit) without touching the data. */
export function npyLayout(bytes: Uint8Array, file: string, limits: DataLimits = DEFAULT_DATA_LIMITS): NpyLayout {
  const h = parseNpyHeader(bytes, file);
  const m = /^([<>|=])?([a-zA-Z])(\d+)$/.exec(h.descr);
  const key = m ? `${m[2]}${m[3]}` : '';
  const dt = DTYPES[key];
  if (!m || !dt) {
    throw new DataError({
      code: 'unsupported',
      file,
      problem: `the dtype ${h.descr} is not supported`,
      hint: 'Convert the array to float32, float64, an integer type or bool (e.g. arr.astype("float32"))',
    });
  }
  checkArrayShape(file, h.shape, limits.maxCells);
  const n = sizeOf(h.shape);
  return { header: h, key, size: dt.size, f32: dt.f32, little: m[1] !== '>', n, total: h.dataOffset + n * dt.size };
}

/** Decodes an .npy file into a C-order array. NaN/Inf values are refused (NaN would read as missing). */
export function parseNpy(bytes: Uint8Array, file: string, limits: DataLimits = DEFAULT_DATA_LIMITS): NdArray {
  const { header: h, key, size, f32, little, n } = npyLayout(bytes, file, limits);
  const need = n * size;
  if (bytes.length - h.dataOffset < need) {
    throw new DataError({
      code: 'truncated',
      file,
      problem: `the data is cut short: the shape (${h.shape.join(', ')}) needs ${need} bytes, the file has ${bytes.length - h.dataOffset}`,
      hint: 'Copy or save the file again',
    });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  const read = reader(key, dv, little);
  for (let i = 0; i < n; i++) out[i] = read(i * size);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new DataError({
        code: 'non-finite',
        file,
        row: Math.floor(i / Math.max(1, n / (h.shape[0] || 1))) + 1,
        problem: 'the array contains NaN or Infinity',
        hint: 'Replace them (e.g. numpy.nan_to_num) or drop those rows',
      });
    }
  }
  return { shape: h.shape, data: h.fortran && h.shape.length > 1 ? fortranToC(out, h.shape) : out };
}

function reader(key: string, dv: DataView, le: boolean): (at: number) => number {
  switch (key) {
    case 'b1':
      return (at) => (dv.getUint8(at) ? 1 : 0);
    case 'i1':
      return (at) => dv.getInt8(at);
    case 'u1':
      return (at) => dv.getUint8(at);
    case 'i2':
      return (at) => dv.getInt16(at, le);
    case 'u2':
      return (at) => dv.getUint16(at, le);
    case 'f2':
      return (at) => half(dv.getUint16(at, le));
    case 'i4':
      return (at) => dv.getInt32(at, le);
    case 'u4':
      return (at) => dv.getUint32(at, le);
    case 'f4':
      return (at) => dv.getFloat32(at, le);
    case 'i8':
      return (at) => Number(dv.getBigInt64(at, le));
    case 'u8':
      return (at) => Number(dv.getBigUint64(at, le));
    default:
      return (at) => dv.getFloat64(at, le);
  }
}

/** Reorders Fortran (column-major) data into C (row-major) order. */
export function fortranToC<T extends Float32Array | Float64Array>(src: T, shape: number[]): T {
  const n = src.length;
  const out = new (src.constructor as new (n: number) => T)(n);
  const d = shape.length;
  const fStride = new Array<number>(d);
  fStride[0] = 1;
  for (let k = 1; k < d; k++) fStride[k] = fStride[k - 1]! * shape[k - 1]!;
  const idx = new Array<number>(d).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < d; k++) f += idx[k]! * fStride[k]!;
    out[c] = src[f]!;
    for (let k = d - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}
