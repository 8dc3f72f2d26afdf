/** IDX files (the MNIST format): big-endian header of dims, then raw values; images paired with labels. */
import { DataError } from './errors.ts';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits.ts';
import { type NdArray, arrayColumns, checkArrayShape, sizeOf } from './ndarray.ts';
import type { RawTable } from './table.ts';

const TYPES: Record<number, { size: number; name: string }> = {
  0x08: { size: 1, name: 'ubyte' },
  0x09: { size: 1, name: 'byte' },
  0x0b: { size: 2, name: 'short' },
  0x0c: { size: 4, name: 'int' },
  0x0d: { size: 4, name: 'float' },
  0x0e: { size: 8, name: 'double' },
};

const HINT = 'Download the file again (gunzip it or keep the .gz name), and check it is an IDX file';

/** What an IDX header says: the value type, the shape, where the data starts and the file's full size. */
export interface IdxLayout {
  type: number;
  size: number;
  typeName: string;
  shape: number[];
  start: number;
  /** Bytes of the whole file: header and data. */
  total: number;
}

/** Reads and checks the header (shape within the cell limit) from the first bytes of an IDX file. */
export function idxLayout(bytes: Uint8Array, file: string, limits: DataLimits = DEFAULT_DATA_LIMITS): IdxLayout {
  const hint = HINT;
  if (bytes.length === 0) throw new DataError({ code: 'empty', file, problem: 'the file is empty', hint });
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !TYPES[bytes[2]!] || bytes[3]! < 1 || bytes[3]! > 4) {
    const shown = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataError({
      code: 'bad-format',
      file,
      problem: `the magic number (${shown}) is not an IDX header (00 00 type ndim)`,
      hint,
    });
  }
  const t = TYPES[bytes[2]!]!;
  const ndim = bytes[3]!;
  if (bytes.length < 4 + 4 * ndim)
    throw new DataError({ code: 'truncated', file, problem: 'the header is cut short', hint });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(dv.getUint32(4 + 4 * i, false));
  checkArrayShape(file, shape, limits.maxCells);
  const start = 4 + 4 * ndim;
  return { type: bytes[2]!, size: t.size, typeName: t.name, shape, start, total: start + sizeOf(shape) * t.size };
}

/** Decodes an (already gunzipped) IDX file. */
export function parseIdx(bytes: Uint8Array, file: string, limits: DataLimits = DEFAULT_DATA_LIMITS): NdArray {
  const { size, typeName, shape, start } = idxLayout(bytes, file, limits);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = sizeOf(shape);
  const need = n * size;
  if (bytes.length - start < need) {
    throw new DataError({
      code: 'truncated',
      file,
      problem: `the data is cut short: ${shape.join('x')} ${typeName} values need ${need} bytes, the file has ${bytes.length - start}`,
      hint: HINT,
    });
  }
  const f64 = size >= 4 && bytes[2] !== 0x0d;
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  switch (bytes[2]) {
    case 0x08:
      for (let i = 0; i < n; i++) out[i] = bytes[start + i]!;
      break;
    case 0x09:
      for (let i = 0; i < n; i++) out[i] = dv.getInt8(start + i);
      break;
    case 0x0b:
      for (let i = 0; i < n; i++) out[i] = dv.getInt16(start + 2 * i, false);
      break;
    case 0x0c:
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(start + 4 * i, false);
      break;
    case 0x0d:
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(start + 4 * i, false);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(start + 8 * i, false);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!))
      throw new DataError({
        code: 'non-finite',
        file,
        problem: 'the data contains NaN or Infinity',
        hint: 'Replace those values before saving',
      });
  }
  return { shape, data: out };
}

/** Pairs an IDX images array (n x h x w [x c]) with an IDX labels array (n) into one table: pixel1.., label. */
export function idxPairTable(images: NdArray, labels: NdArray, imagesFile: string, labelsFile: string): RawTable {
  if (images.shape.length < 2) {
    throw new DataError({
      code: 'mismatch',
      file: imagesFile,
      problem: `the images file holds a ${images.shape.length}-d array`,
      hint: 'Give the images file (idx3) as the data and the labels file (idx1) as the labels',
    });
  }
  if (labels.shape.length !== 1) {
    throw new DataError({
      code: 'mismatch',
      file: labelsFile,
      problem: `the labels file holds a ${labels.shape.length}-d array (${labels.shape.join('x')}), not one label per image`,
      hint: 'Give the labels file (idx1) as the labels and the images file (idx3) as the data',
    });
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new DataError({
      code: 'mismatch',
      file: labelsFile,
      problem: `it has ${labels.shape[0]} labels but ${imagesFile} has ${images.shape[0]} images`,
      hint: 'Pair the images file with its own labels file (train with train, test with test)',
    });
  }
  const { columns, image } = arrayColumns(images, 'pixel', 'pixel', imagesFile);
  columns.push({ kind: 'numeric', name: 'label', values: labels.data });
  const t: RawTable = { name: imagesFile, rows: images.shape[0]!, columns };
  if (image) t.image = image;
  return t;
}
