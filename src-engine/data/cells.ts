/** Reading one text cell: missing markers, numbers, and the NaN/Inf spellings we refuse. */

/** Cell spellings that mean "no value" (besides an empty or blank cell). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  'NA',
  'N/A',
  'n/a',
  'na',
  'null',
  'NULL',
  'None',
  '?',
  '.',
]);

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** Largest float32; bigger finite numbers would become Infinity in the engine's Float32Arrays. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Kinds of cell, as numbers so the hot loop compares small integers. */
export const CELL_MISSING = 0;
export const CELL_NUMBER = 1;
export const CELL_TEXT = 2;
export const CELL_NON_FINITE = 3;

/** True when a cell is empty, blank or a missing token. */
export function isMissingCell(s: string): boolean {
  if (s.length === 0) return true;
  if (MISSING_TOKENS.has(s)) return true;
  return s.trim().length === 0;
}

/**
 * Classifies a cell and, for numbers, leaves the value in `out[0]` (no allocation per cell).
 * `Number()` accepts what people write in CSVs (1, -2.5, 1e-3, " 4 ") and rejects "1,5" and "12abc".
 */
export function readCell(s: string, out: Float64Array): number {
  if (s.length === 0) return CELL_MISSING;
  const n = Number(s);
  if (n === n) {
    if (n === 0 && s.trim().length === 0) return CELL_MISSING;
    if (n > FLOAT32_MAX || n < -FLOAT32_MAX) return CELL_NON_FINITE;
    out[0] = n;
    return CELL_NUMBER;
  }
  if (MISSING_TOKENS.has(s) || s.trim().length === 0) return CELL_MISSING;
  if (NON_FINITE.test(s.trim())) return CELL_NON_FINITE;
  return CELL_TEXT;
}

/** Shortens a cell for quoting in a message. */
export function quoteCell(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}
