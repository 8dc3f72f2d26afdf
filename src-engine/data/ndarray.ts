/** N-d arrays from binary formats (NPY, NPZ, IDX) and how they become table columns. */
import { DataError } from './errors.ts';
import { checkCells } from './limits.ts';
import type { RawColumn, RawTable } from './table.ts';

export interface NdArray {
  shape: number[];
  /** C-order values; Float32Array when exact in float32 (f4, 8/16-bit ints, bool), else Float64Array. */
  data: Float32Array | Float64Array;
}

/** Product of dimensions. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Checks an array's shape before anything is allocated for it: rows first, then the columns (the
 * product of the other axes). Zero rows or zero-width rows are refused, and rows × columns must stay
 * within the cell limit, so a tiny header cannot claim billions of values.
 */
export function checkArrayShape(file: string, shape: readonly number[], maxCells: number, name?: string): void {
  const [rows, ...rest] = shape;
  const where = name === undefined ? {} : { column: name };
  const dims = shape.join('x');
  if (rows === 0)
    throw new DataError({
      code: 'empty',
      file,
      ...where,
      problem: `the array has no rows (shape ${dims})`,
      hint: 'Save an array with at least one row',
    });
  if (rest.some((d) => d === 0))
    throw new DataError({
      code: 'empty',
      file,
      ...where,
      problem: `the array's rows hold no values (shape ${dims})`,
      hint: 'Save an array with at least one value per row',
    });
  checkCells(file, rows ?? 1, sizeOf(rest), maxCells, dims);
}

/**
 * Columns of an array (already through checkArrayShape) whose first axis is rows: 1-d -> one column `name`; 2-d -> one per column
 * (`prefix1..prefixD`); 3-d/4-d -> flattened pixels (`prefix1..`) with an image shape.
 */
export function arrayColumns(
  arr: NdArray,
  name: string,
  prefix: string,
  file: string,
): { columns: RawColumn[]; image?: { shape: [number, number, number]; columns: string[] } } {
  const [rows, ...rest] = arr.shape;
  if (rows === undefined) {
    throw new DataError({
      code: 'unsupported',
      file,
      column: name,
      problem: 'the array is a single number (0-d)',
      hint: 'Save an array with one row per sample',
    });
  }
  if (rest.length === 0) return { columns: [{ kind: 'numeric', name, values: arr.data }] };
  if (rest.length > 3) {
    throw new DataError({
      code: 'unsupported',
      file,
      column: name,
      problem: `the array has ${arr.shape.length} dimensions`,
      hint: 'Use rows x features, rows x height x width, or rows x height x width x channels',
    });
  }
  const width = sizeOf(rest);
  const Ctor = arr.data instanceof Float64Array ? Float64Array : Float32Array;
  const cols: Float32Array[] | Float64Array[] = [];
  for (let j = 0; j < width; j++) (cols as (Float32Array | Float64Array)[]).push(new Ctor(rows));
  // Transpose row-major rows x width into columns, one column at a time for cache-friendly writes.
  for (let j = 0; j < width; j++) {
    const c = cols[j]!;
    for (let r = 0, at = j; r < rows; r++, at += width) c[r] = arr.data[at]!;
  }
  const names = Array.from({ length: width }, (_, j) => `${prefix}${j + 1}`);
  const columns: RawColumn[] = names.map((n, j) => ({ kind: 'numeric', name: n, values: cols[j]! }));
  if (rest.length === 1) return { columns };
  const shape: [number, number, number] = [rest[0]!, rest[1]!, rest[2] ?? 1];
  return { columns, image: { shape, columns: names } };
}

/** A table from one array (NPY, or an IDX file without labels). */
export function arrayTable(arr: NdArray, file: string, prefix = arr.shape.length > 2 ? 'pixel' : 'column'): RawTable {
  const { columns, image } = arrayColumns(arr, 'value', prefix, file);
  const t: RawTable = { name: file, rows: arr.shape[0]!, columns };
  if (image) t.image = image;
  return t;
}
