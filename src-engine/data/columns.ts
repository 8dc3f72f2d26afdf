/** Column typing: what each raw column means for training (numbers, categories, flags, or free text). */
import type { RawColumn, RawTable } from './table.ts';

export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'text';

const TRUE_WORDS = new Set(['true', 'yes', 't', 'y']);
const FALSE_WORDS = new Set(['false', 'no', 'f', 'n']);

/** 1 for a true-like word, 0 for a false-like word, -1 otherwise. */
export function booleanWord(s: string): number {
  const w = s.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return 1;
  if (FALSE_WORDS.has(w)) return 0;
  return -1;
}

/** Most distinct strings a column may have and still count as categorical rather than free text. */
export const MAX_CATEGORIES = 100;

/**
 * Guesses a column's type: numbers that are only 0/1 are boolean, strings that are only true/false
 * words are boolean, strings with few distinct values (relative to rows) are categorical, the rest text.
 */
export function inferColumnType(col: RawColumn, rows: number): ColumnType {
  if (col.kind === 'numeric') {
    // Boolean only when both 0 and 1 occur: a constant column (an always-black pixel) stays numeric.
    const v = col.values;
    let zeros = 0;
    let ones = 0;
    for (let i = 0; i < rows; i++) {
      const x = v[i]!;
      if (x === 0) zeros++;
      else if (x === 1) ones++;
      else if (x === x) return 'numeric';
    }
    return zeros > 0 && ones > 0 ? 'boolean' : 'numeric';
  }
  const dict = usedDictionary(col);
  if (
    dict.length > 0 &&
    dict.length <= 2 &&
    dict.every((s) => booleanWord(s) >= 0) &&
    new Set(dict.map(booleanWord)).size === dict.length
  )
    return 'boolean';
  if (dict.length <= MAX_CATEGORIES && (dict.length <= 20 || dict.length <= rows / 5)) return 'categorical';
  return 'text';
}

/** Dictionary entries that some row actually uses (selections can leave unused entries behind). */
export function usedDictionary(col: Extract<RawColumn, { kind: 'string' }>): string[] {
  const used = new Uint8Array(col.dictionary.length);
  for (let i = 0; i < col.codes.length; i++) if (col.codes[i]! >= 0) used[col.codes[i]!] = 1;
  return col.dictionary.filter((_, k) => used[k] === 1);
}

/**
 * Types of every column, with the caller's overrides applied. The result has no prototype and
 * overrides are read as own properties only, so columns named `toString` or `__proto__` are typed
 * like any other.
 */
export function inferColumnTypes(
  table: RawTable,
  overrides: Record<string, ColumnType> = {},
): Record<string, ColumnType> {
  const out = Object.create(null) as Record<string, ColumnType>;
  const pixels = new Set(table.image?.columns ?? []);
  for (const col of table.columns) {
    const forced = Object.hasOwn(overrides, col.name) ? overrides[col.name] : undefined;
    out[col.name] = forced ?? (pixels.has(col.name) ? 'numeric' : inferColumnType(col, table.rows));
  }
  return out;
}

/** Number of missing cells in a column (NaN or code -1). */
export function missingCount(col: RawColumn): number {
  let n = 0;
  if (col.kind === 'numeric') {
    for (let i = 0; i < col.values.length; i++) if (col.values[i] !== col.values[i]) n++;
  } else {
    for (let i = 0; i < col.codes.length; i++) if (col.codes[i]! < 0) n++;
  }
  return n;
}
