/**
 * Preprocessing: a plain JSON description of how raw columns become the network's float inputs,
 * fitted on the training split and stored with the project, so predictions and ONNX exports reuse
 * exactly the same numbers.
 *
 * Per output feature the rule is simple enough to bake into ONNX:
 * - numeric: `(x - offset) * scale`, where a missing x is first replaced by `impute` (raw units).
 * - boolean: 1 for true/non-zero, 0 for false/zero, `impute` when missing.
 * - categorical: one-hot over `categories` (missing -> `impute` when set; unseen values -> all zeros).
 */
import { booleanWord } from './columns.ts';
import { DataError } from './errors.ts';
import { type RawColumn, type RawTable, findColumn, sourceLine } from './table.ts';

export type Scaling = 'standard' | 'minmax' | 'none';
/**
 * How image pixels are scaled (instead of column by column): 'unit' divides by 255 (8-bit values;
 * values already within [0, 1] are kept), 'channel' standardises each channel with the mean and
 * standard deviation of all its pixels in the training rows.
 */
export const PIXEL_SCALINGS = ['unit', 'channel'] as const;
export type PixelScaling = (typeof PIXEL_SCALINGS)[number];
export type MissingPolicy = 'drop' | 'impute' | 'refuse';

export type FeatureTransform =
  | { kind: 'numeric'; column: string; impute: number; offset: number; scale: number }
  | { kind: 'boolean'; column: string; impute: number }
  | { kind: 'categorical'; column: string; categories: string[]; impute: string | null };

export type TargetEncoding =
  | { column: string; task: 'binary' | 'multiclass'; classNames: string[] }
  /** Regression: with `mean` and `std` the network learns `(y - mean) / std` (./target-scale.ts). */
  | { column: string; task: 'regression'; mean?: number; std?: number };

export interface Preprocessing {
  version: 1;
  scaling: Scaling;
  missing: MissingPolicy;
  /** One entry per raw input column, in output order. */
  inputs: FeatureTransform[];
  /** Output feature names (one-hot columns as `column=value`). */
  featureNames: string[];
  target: TargetEncoding;
  /** Per-row image shape [h, w, c] when the features are exactly an image's pixels. */
  imageShape?: [number, number, number];
  /** [channels, height, width] when the features are an image's pixels in that order (image inputs). */
  sampleShape?: [number, number, number];
  /** How the pixels were scaled, when per image rather than per column. */
  pixels?: PixelScaling;
}

/** Number of output features a transform produces. */
export function transformWidth(t: FeatureTransform): number {
  return t.kind === 'categorical' ? t.categories.length : 1;
}

/** A record value or a table cell, as a string key for categories. */
export function cellKey(v: number | string): string {
  return typeof v === 'number' ? String(v) : v.trim();
}

type Getter = (row: number) => number | string | null;

/** Reads cells either from a RawTable column or from record objects, missing as null. */
function getter(data: RawTable | Record<string, unknown>[], column: string, file: string): Getter {
  if (Array.isArray(data)) {
    return (r) => {
      const rec = data[r]!;
      // Own values only: a record without a `toString` field must not read Object.prototype's.
      const v = Object.hasOwn(rec, column) ? rec[column] : undefined;
      if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) return null;
      if (typeof v === 'boolean') return v ? 1 : 0;
      return typeof v === 'number' ? v : String(v);
    };
  }
  const col = findColumn(data, column);
  if (!col)
    throw new DataError({
      code: 'unknown-column',
      file,
      column,
      problem: 'the column the model was trained on is missing',
      hint: `Provide a column named "${column}"`,
    });
  return columnGetter(col);
}

function columnGetter(col: RawColumn): Getter {
  if (col.kind === 'numeric') {
    const v = col.values;
    return (r) => (v[r]! === v[r]! ? v[r]! : null);
  }
  return (r) => (col.codes[r]! < 0 ? null : col.dictionary[col.codes[r]!]!);
}

/** Whole-table transform of one string column via a per-code lookup (no work per row beyond an index). */
function codeLookup(col: RawColumn, map: (s: string) => number): Int32Array | null {
  if (col.kind !== 'string') return null;
  return Int32Array.from(col.dictionary, map);
}

/**
 * Applies fitted preprocessing to records or to (rows of) a table: rows × featureNames.length floats.
 * Missing cells are imputed with the fitted values; with missing 'refuse' they raise a DataError.
 */
export function applyPreprocessing(
  pre: Preprocessing,
  data: RawTable | Record<string, unknown>[],
  rows?: ArrayLike<number>,
): Float32Array {
  const file = Array.isArray(data) ? 'input' : data.name;
  const n = rows ? rows.length : Array.isArray(data) ? data.length : data.rows;
  const width = pre.featureNames.length;
  const out = new Float32Array(n * width);
  const refuse = pre.missing === 'refuse';
  const rowOf = (i: number): number => (rows ? rows[i]! : i);
  // One writer per input column fills output rows [i0, i1); running them block by block keeps the
  // strided writes of a wide table (hundreds of pixel columns) inside the cache.
  const writers: ((i0: number, i1: number) => void)[] = [];
  let at = 0;
  for (const t of pre.inputs) {
    const get = getter(data, t.column, file);
    const col = Array.isArray(data) ? undefined : findColumn(data, t.column);
    const rowNumber = (i: number): number => (Array.isArray(data) ? rowOf(i) + 1 : sourceLine(data, rowOf(i)));
    const missingError = (i: number): never => {
      const row = rowNumber(i);
      throw new DataError({
        code: 'missing-values',
        file,
        row,
        column: t.column,
        problem: 'this cell is missing',
        hint: 'Fill it in, or prepare the data with missing values dropped or imputed',
      });
    };
    const o = at;
    if (t.kind === 'numeric' && col?.kind === 'numeric') {
      const v = col.values;
      const { offset, scale, impute } = t;
      writers.push((i0, i1) => {
        for (let i = i0; i < i1; i++) {
          let x = v[rows ? rows[i]! : i]!;
          if (x !== x) x = refuse ? missingError(i) : impute;
          out[i * width + o] = (x - offset) * scale;
        }
      });
    } else if (t.kind === 'numeric') {
      writers.push((i0, i1) => {
        for (let i = i0; i < i1; i++) {
          let v = get(rowOf(i));
          if (v === null) v = refuse ? missingError(i) : t.impute;
          const x = typeof v === 'number' ? v : Number(v);
          if (!Number.isFinite(x)) {
            throw new DataError({
              code: 'non-numeric',
              file,
              row: rowNumber(i),
              column: t.column,
              problem: `${JSON.stringify(v)} is not a number`,
              hint: 'Give this column a number',
            });
          }
          out[i * width + o] = (x - t.offset) * t.scale;
        }
      });
    } else if (t.kind === 'boolean') {
      const lut = col ? codeLookup(col, booleanWord) : null;
      writers.push((i0, i1) => {
        for (let i = i0; i < i1; i++) {
          const r = rowOf(i);
          let b: number;
          if (lut && col?.kind === 'string') {
            const c = col.codes[r]!;
            b = c < 0 ? -1 : lut[c]!;
          } else {
            const v = get(r);
            b = v === null ? -1 : typeof v === 'number' ? (v !== 0 ? 1 : 0) : booleanWord(v);
          }
          if (b < 0) b = refuse ? missingError(i) : t.impute;
          out[i * width + o] = b;
        }
      });
    } else {
      const index = new Map(t.categories.map((c, k) => [c, k]));
      const imputed = t.impute === null ? -1 : (index.get(t.impute) ?? -1);
      const lut = col ? codeLookup(col, (s) => index.get(cellKey(s)) ?? -1) : null;
      writers.push((i0, i1) => {
        for (let i = i0; i < i1; i++) {
          const r = rowOf(i);
          let k: number;
          if (lut && col?.kind === 'string') {
            const c = col.codes[r]!;
            k = c < 0 ? -2 : lut[c]!;
          } else {
            const v = get(r);
            k = v === null ? -2 : (index.get(cellKey(v)) ?? -1);
          }
          if (k === -2) k = refuse ? missingError(i) : imputed;
          if (k >= 0) out[i * width + o + k] = 1;
        }
      });
    }
    at += transformWidth(t);
  }
  const BLOCK = 128;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (const w of writers) w(i0, i1);
  }
  return out;
}

/**
 * Target values of rows as the Dataset's y: 0/1 for binary, one-hot for multiclass, for regression the
 * value standardised with the fitted target scale (raw when there is none).
 */
export function encodeTarget(
  pre: Preprocessing,
  table: RawTable,
  rows: ArrayLike<number>,
): { y: Float32Array; labels: Int32Array } {
  const t = pre.target;
  const col = findColumn(table, t.column)!;
  const get = columnGetter(col);
  const n = rows.length;
  const labels = new Int32Array(n);
  if (t.task === 'regression') {
    const y = new Float32Array(n);
    const mean = t.mean ?? 0;
    const std = t.std ?? 1;
    for (let i = 0; i < n; i++) y[i] = ((get(rows[i]!) as number) - mean) / std;
    return { y, labels };
  }
  const index = new Map(t.classNames.map((c, k) => [c, k]));
  const width = t.task === 'binary' ? 1 : t.classNames.length;
  const y = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const v = get(rows[i]!);
    const k = v === null ? -1 : (index.get(cellKey(v)) ?? -1);
    if (k < 0)
      throw new DataError(
        v === null
          ? {
              code: 'missing-values',
              file: table.name,
              row: sourceLine(table, rows[i]!),
              column: t.column,
              problem: 'the target is missing',
              hint: 'Give every row a target value',
            }
          : {
              // A test set (or new data) with a class the training rows never had.
              code: 'mismatch',
              file: table.name,
              row: sourceLine(table, rows[i]!),
              column: t.column,
              problem: `the target ${JSON.stringify(v)} is not one of the ${t.classNames.length} classes of the training data (${t.classNames.slice(0, 12).join(', ')}${t.classNames.length > 12 ? ', …' : ''})`,
              hint: 'Train on data that has every class, or leave out the rows of classes it has not seen',
            },
      );
    labels[i] = k;
    if (t.task === 'binary') y[i] = k;
    else y[i * width + k] = 1;
  }
  return { y, labels };
}
