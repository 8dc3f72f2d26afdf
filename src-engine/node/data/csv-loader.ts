/**
 * CSV/TSV files: streamed from disk into the pure CsvTableParser. Text is UTF-8; a file that is not
 * valid UTF-8 (Latin-1 / Windows-1252, as older spreadsheets save) is read again in that encoding.
 */
import { CsvTableParser, type CsvOptions } from '../../data/csv.ts';
import { DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, fileSize, streamFile, type ReadOptions } from './read.ts';

export type CsvLoadOptions = ReadOptions & Omit<CsvOptions, 'file' | 'totalBytes' | 'maxCells'>;

/** Thrown by the strict UTF-8 pass when the bytes are not UTF-8. */
class NotUtf8 extends Error {}

async function parseAs(path: string, encoding: 'utf-8' | 'windows-1252', opts: CsvLoadOptions): Promise<RawTable> {
  const csv: CsvOptions = {
    file: displayName(path),
    totalBytes: await fileSize(path),
    maxCells: (opts.limits ?? DEFAULT_DATA_LIMITS).maxCells,
  };
  if (opts.delimiter) csv.delimiter = opts.delimiter;
  if (opts.header !== undefined) csv.header = opts.header;
  if (opts.columnTypes) csv.columnTypes = opts.columnTypes;
  const parser = new CsvTableParser(csv);
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new NotUtf8();
    }
  };
  // 64 KiB chunks keep the garbage of split strings small: peak memory stays near the typed columns' size.
  await streamFile(path, (chunk) => parser.push(decode(chunk)), opts, 1 << 16);
  parser.push(decode());
  return parser.end();
}

/** Loads a CSV or TSV file into a RawTable, filling typed columns while it streams. */
export async function loadCsv(path: string, opts: CsvLoadOptions = {}): Promise<RawTable> {
  try {
    return await parseAs(path, 'utf-8', opts);
  } catch (e) {
    if (!(e instanceof NotUtf8)) throw e;
    // Bytes that are not UTF-8 and not binary (the parser refuses NULs and control bytes) are Latin-1 text.
    return parseAs(path, 'windows-1252', opts);
  }
}
