/**
 * RawTable: what every loader produces before any preparation. Column-major and typed so that a
 * million-row file never becomes a million row objects.
 */

/** Numbers; a missing cell is NaN (loaders refuse real NaN/Inf in the file, so NaN only means missing). */
export interface NumericColumn {
  kind: 'numeric';
  name: string;
  values: Float32Array | Float64Array;
}

/** Strings stored as codes into a dictionary; a missing cell is code -1. */
export interface StringColumn {
  kind: 'string';
  name: string;
  codes: Int32Array;
  /** Distinct values in order of first appearance; codes index into it. */
  dictionary: string[];
}

export type RawColumn = NumericColumn | StringColumn;

export interface RawTable {
  /** File (or folder) name, used in messages and as the dataset name. */
  name: string;
  rows: number;
  columns: RawColumn[];
  /**
   * For image-like data (IDX, image folders, N-d NPY): the per-row shape [height, width, channels]
   * of the feature columns listed in `imageColumns`, stored row-major (HWC) across those columns.
   */
  image?: { shape: [number, number, number]; columns: string[] };
  /**
   * 1-based line in the source where each row starts, when it differs from `index + 2` (header and
   * blank or multi-line records). Only text formats fill it; used to name rows in later errors.
   */
  sourceLines?: Int32Array;
}

/** The column called `name`, or undefined. */
export function findColumn(table: RawTable, name: string): RawColumn | undefined {
  return table.columns.find((c) => c.name === name);
}

/** A cell as a plain value: number, string, or null when missing. */
export function cellValue(col: RawColumn, row: number): number | string | null {
  if (col.kind === 'numeric') {
    const v = col.values[row]!;
    // + 0 turns -0 into 0, so values survive a JSON round trip unchanged.
    return Number.isNaN(v) ? null : v + 0;
  }
  const code = col.codes[row]!;
  return code < 0 ? null : col.dictionary[code]!;
}

/** The 1-based source line of a row, for error messages. */
export function sourceLine(table: RawTable, row: number, headerLines = 1): number {
  return table.sourceLines ? table.sourceLines[row]! : row + 1 + headerLines;
}

/** Growable Float32 storage for one numeric column while streaming. */
export class NumericBuilder {
  values: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.values = new Float32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    this.values[this.length++] = v;
  }
  /** Ensures room for `n` values in total; grows by 1.5x so large files copy rarely. */
  grow(n: number): void {
    if (n <= this.values.length) return;
    const next = new Float32Array(Math.max(n, Math.ceil(this.values.length * 1.5)));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }
  /** The filled part; copies only when more than an eighth would be wasted. */
  finish(): Float32Array {
    if (this.length === this.values.length) return this.values;
    return this.length < this.values.length * 0.875
      ? this.values.slice(0, this.length)
      : this.values.subarray(0, this.length);
  }
}

/** Growable dictionary-coded storage for one string column while streaming. */
export class StringBuilder {
  codes: Int32Array;
  length = 0;
  readonly dictionary: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(capacity: number) {
    this.codes = new Int32Array(Math.max(16, capacity));
  }
  /** Appends a value; null means missing. */
  push(v: string | null): void {
    if (this.length === this.codes.length) {
      const next = new Int32Array(Math.ceil(this.codes.length * 1.5) + 1);
      next.set(this.codes);
      this.codes = next;
    }
    let code = -1;
    if (v !== null) {
      const known = this.index.get(v);
      if (known === undefined) {
        code = this.dictionary.length;
        this.dictionary.push(v);
        this.index.set(v, code);
      } else code = known;
    }
    this.codes[this.length++] = code;
  }
  finish(): Int32Array {
    return this.codes.slice(0, this.length);
  }
}

/** Rows `idx` of a table as a new table (used by splits and when rows are dropped). */
export function selectRows(table: RawTable, idx: ArrayLike<number>): RawTable {
  const n = idx.length;
  const columns = table.columns.map((col): RawColumn => {
    if (col.kind === 'numeric') {
      const values = col.values instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = col.values[idx[i]!]!;
      return { kind: 'numeric', name: col.name, values };
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = col.codes[idx[i]!]!;
    return { kind: 'string', name: col.name, codes, dictionary: col.dictionary };
  });
  const out: RawTable = { name: table.name, rows: n, columns };
  if (table.image) out.image = table.image;
  if (table.sourceLines) {
    const lines = new Int32Array(n);
    for (let i = 0; i < n; i++) lines[i] = table.sourceLines[idx[i]!]!;
    out.sourceLines = lines;
  }
  return out;
}
