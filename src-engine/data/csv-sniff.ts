/** Guessing how a delimited text file is written: newline, delimiter, header, binary content. */
import Papa from 'papaparse';
import { CELL_NUMBER, CELL_NON_FINITE, CELL_TEXT, isMissingCell, readCell } from './cells.ts';

export type Delimiter = ',' | ';' | '\t';
export type Newline = '\n' | '\r\n' | '\r';

const DELIMITERS: Delimiter[] = [',', ';', '\t'];

/** The newline the text uses: the first line break decides. */
export function sniffNewline(text: string): Newline {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (lf < 0) return cr < 0 ? '\n' : '\r';
  if (cr >= 0 && cr === lf - 1) return '\r\n';
  if (cr >= 0 && cr < lf) return '\r';
  return '\n';
}

/** True when decoded text looks like binary bytes (NULs, or many undecodable or control characters). */
export function looksBinary(text: string): boolean {
  if (text.indexOf('\u0000') >= 0) return true;
  const n = Math.min(text.length, 65536);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return bad > Math.max(2, n * 0.01);
}

/** Splits the first lines of `sample` with `delimiter` (quotes respected). */
export function previewRows(sample: string, delimiter: string, newline: Newline, maxRows: number): string[][] {
  const parser = new Papa.Parser({ delimiter, newline, preview: maxRows });
  const res = parser.parse(sample, 0, false) as { data: string[][] };
  return res.data.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

/**
 * Picks the delimiter that splits the first lines into the most consistent number of fields
 * (more than one); comma when none does.
 */
export function sniffDelimiter(sample: string, newline: Newline): Delimiter {
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const rows = previewRows(sample, d, newline, 30);
    if (rows.length === 0) continue;
    // Drop a last row that may be cut mid-way by the sample boundary.
    const body = rows.length > 2 ? rows.slice(0, -1) : rows;
    const counts = new Map<number, number>();
    for (const r of body) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 1;
    let modeCount = 0;
    for (const [len, c] of counts) if (c > modeCount || (c === modeCount && len > mode)) [mode, modeCount] = [len, c];
    if (mode < 2) continue;
    const score = (modeCount / body.length) * 1000 + mode;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/**
 * Decides whether the first row is a header: it has no numbers and either some column below it is
 * numeric, or its values do not recur in their columns (so it is not just another row of labels).
 */
export function detectHeader(rows: string[][]): boolean {
  if (rows.length === 0) return false;
  const first = rows[0]!;
  const tmp = new Float64Array(1);
  for (const cell of first) {
    const k = readCell(cell, tmp);
    if (k === CELL_NUMBER || k === CELL_NON_FINITE) return false;
  }
  if (rows.length === 1) return first.some((c) => !isMissingCell(c));
  const rest = rows.slice(1);
  for (let j = 0; j < first.length; j++) {
    let numbers = 0;
    let texts = 0;
    for (const r of rest) {
      const k = readCell(r[j] ?? '', tmp);
      if (k === CELL_NUMBER) numbers++;
      else if (k === CELL_TEXT) texts++;
    }
    if (numbers > 0 && texts === 0) return true;
  }
  for (let j = 0; j < first.length; j++) {
    if (isMissingCell(first[j]!)) continue;
    if (rest.some((r) => r[j] === first[j])) return false;
  }
  return true;
}

/** Column names from a header row: blanks become columnN, repeats get a _2, _3 suffix. */
export function headerNames(row: string[]): string[] {
  const seen = new Map<string, number>();
  return row.map((raw, j) => {
    const base = raw.trim() === '' ? `column${j + 1}` : raw.trim();
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
