/** The data limits (see src-engine/limits.ts) as loaders check them: before allocating, with the file named. */
import { DEFAULT_LIMITS, formatLimit, raiseHint, type Limits } from '../limits.ts';
import { DataError } from './errors.ts';

/** The limits a loader needs. */
export type DataLimits = Pick<Limits, 'maxCells' | 'maxDecompressedBytes'>;

export const DEFAULT_DATA_LIMITS: DataLimits = {
  maxCells: DEFAULT_LIMITS.maxCells,
  maxDecompressedBytes: DEFAULT_LIMITS.maxDecompressedBytes,
};

const fmt = (n: number) => n.toLocaleString('en-US');

/** Throws DataError 'too-large' when rows × columns exceeds the cell limit (a table with no columns counts its rows). */
export function checkCells(file: string, rows: number, columns: number, maxCells: number, shape?: string): void {
  const cells = rows * Math.max(1, columns);
  if (cells <= maxCells) return;
  throw new DataError({
    code: 'too-large',
    file,
    problem: `${shape ? `the ${shape} data holds` : 'the data holds'} ${fmt(rows)} rows × ${fmt(columns)} columns = ${fmt(cells)} cells, more than the limit of ${formatLimit('maxCells', maxCells)}`,
    hint: `Use a sample of the rows or fewer columns. ${raiseHint('maxCells', maxCells)}`,
  });
}

/** Throws DataError 'too-large' when compressed data expands (or says it expands) beyond the limit. */
export function checkDecompressed(file: string, bytes: number, maxBytes: number, what = 'the compressed data'): void {
  if (bytes <= maxBytes) return;
  throw new DataError({
    code: 'too-large',
    file,
    problem: `${what} expands to ${fmt(bytes)} bytes, more than the limit of ${formatLimit('maxDecompressedBytes', maxBytes)}`,
    hint: `Decompress a smaller part of the data. ${raiseHint('maxDecompressedBytes', maxBytes)}`,
  });
}
