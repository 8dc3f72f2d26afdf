/**
 * NumPy .npz archives: a zip of .npy files (stored or deflated); inflation is passed in by the caller.
 * A deflated entry is never inflated blindly: its .npy header is read from a small inflated prefix
 * first, the shape checked against the limits, and the entry then inflated to exactly that size.
 */
import { DataError } from './errors.ts';
import { checkDecompressed, DEFAULT_DATA_LIMITS, type DataLimits } from './limits.ts';
import { type NdArray, arrayColumns } from './ndarray.ts';
import { MAX_HEADER, npyLayout, parseNpy } from './npy.ts';
import type { RawColumn, RawTable } from './table.ts';

/**
 * Raw-deflate decompressor (node:zlib on the node side). With `prefix`, it returns at most the first
 * `maxOutput` bytes of the stream (inflating only as much input as that needs); otherwise the whole
 * stream, throwing when the output would exceed `maxOutput` bytes.
 */
export type InflateRaw = (bytes: Uint8Array, opts: { maxOutput: number; prefix?: boolean }) => Uint8Array;

export interface ZipEntry {
  name: string;
  method: number;
  data: Uint8Array;
}

const NPZ_HINT = 'Save the arrays again with numpy.savez or numpy.savez_compressed';

function zipError(file: string, problem: string, code: DataError['code'] = 'bad-format', hint = NPZ_HINT): never {
  throw new DataError({ code, file, problem, hint });
}

/**
 * Lists the entries of a zip file from its central directory (names as UTF-8 where the archive says
 * so, else byte for byte). `hint` is what its errors suggest (how to write the archive again).
 */
export function readZip(bytes: Uint8Array, file: string, hint = NPZ_HINT): ZipEntry[] {
  const fail = (problem: string, code: DataError['code'] = 'bad-format'): never => zipError(file, problem, code, hint);
  if (bytes.length === 0) throw new DataError({ code: 'empty', file, problem: 'the file is empty', hint });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    fail(
      bytes[0] === 0x50 && bytes[1] === 0x4b
        ? 'the zip archive is cut short (no end-of-archive record)'
        : 'it is not a zip archive',
      bytes[0] === 0x50 ? 'truncated' : 'bad-format',
    );
  const count = dv.getUint16(eocd + 10, true);
  let at = dv.getUint32(eocd + 16, true);
  if (at === 0xffffffff || count === 0xffff)
    throw new DataError({
      code: 'unsupported',
      file,
      problem: 'ZIP64 archives (over 4 GB or 65,535 entries) are not supported',
      hint: hint === NPZ_HINT ? 'Split the arrays into smaller files' : hint,
    });
  const entries: ZipEntry[] = [];
  for (let e = 0; e < count; e++) {
    if (at + 46 > bytes.length || dv.getUint32(at, true) !== 0x02014b50) fail('the zip directory is damaged');
    const utf8 = (dv.getUint16(at + 8, true) & 0x800) !== 0;
    const method = dv.getUint16(at + 10, true);
    const compSize = dv.getUint32(at + 20, true);
    const nameLen = dv.getUint16(at + 28, true);
    const extraLen = dv.getUint16(at + 30, true);
    const commentLen = dv.getUint16(at + 32, true);
    const local = dv.getUint32(at + 42, true);
    const raw = bytes.subarray(at + 46, at + 46 + nameLen);
    const name = utf8 ? new TextDecoder().decode(raw) : String.fromCharCode(...raw);
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== 0x04034b50) fail(`the entry ${name} is damaged`);
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (start + compSize > bytes.length) fail(`the entry ${name} is cut short`, 'truncated');
    entries.push({ name, method, data: bytes.subarray(start, start + compSize) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates one deflated .npy entry after checking the shape its header declares. Returns the .npy bytes. */
function inflateEntry(
  e: ZipEntry,
  file: string,
  inflateRaw: InflateRaw,
  limits: DataLimits,
  budget: number,
): Uint8Array {
  const name = `${file}:${e.name}`;
  let head: Uint8Array;
  try {
    head = inflateRaw(e.data, { maxOutput: MAX_HEADER + 16, prefix: true });
  } catch {
    zipError(file, `the compressed entry ${e.name} is damaged`, 'truncated');
  }
  const { total } = npyLayout(head, name, limits);
  checkDecompressed(file, total, budget, `the entry ${e.name}`);
  try {
    return inflateRaw(e.data, { maxOutput: total });
  } catch {
    return zipError(file, `the compressed entry ${e.name} is damaged or longer than its header says`, 'truncated');
  }
}

/** Decodes every .npy in an .npz archive, keyed by name without the .npy suffix. */
export function parseNpz(
  bytes: Uint8Array,
  file: string,
  inflateRaw: InflateRaw,
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): Map<string, NdArray> {
  const out = new Map<string, NdArray>();
  let inflated = 0;
  for (const e of readZip(bytes, file)) {
    if (!e.name.endsWith('.npy')) continue;
    let raw: Uint8Array;
    if (e.method === 0) raw = e.data;
    else if (e.method === 8) {
      raw = inflateEntry(e, file, inflateRaw, limits, limits.maxDecompressedBytes - inflated);
      inflated += raw.length;
    } else
      throw new DataError({
        code: 'unsupported',
        file,
        problem: `zip compression method ${e.method} is not supported`,
        hint: 'Use numpy.savez or numpy.savez_compressed',
      });
    out.set(e.name.slice(0, -4), parseNpy(raw, `${file}:${e.name}`, limits));
  }
  if (out.size === 0)
    throw new DataError({
      code: 'empty',
      file,
      problem: 'the archive holds no .npy arrays',
      hint: 'Save arrays with numpy.savez(file, x=..., y=...)',
    });
  return out;
}

/** A table from the arrays of an .npz: each array's first axis is rows (1-d -> column `key`, 2-d+ -> `key_1..`). */
export function npzTable(arrays: Map<string, NdArray>, file: string): RawTable {
  let rows = -1;
  let first = '';
  const columns: RawColumn[] = [];
  let image: RawTable['image'];
  for (const [key, arr] of arrays) {
    const n = arr.shape[0] ?? 1;
    if (rows >= 0 && n !== rows) {
      throw new DataError({
        code: 'mismatch',
        file,
        column: key,
        problem: `the array has ${n} rows but "${first}" has ${rows}`,
        hint: 'Save arrays with the same first dimension (one row per sample)',
      });
    }
    if (rows < 0) [rows, first] = [n, key];
    const part = arrayColumns(arr, key, `${key}_`, file);
    columns.push(...part.columns);
    if (part.image && !image) image = part.image;
  }
  const t: RawTable = { name: file, rows, columns };
  if (image) t.image = image;
  return t;
}
