/** CSV/TSV files: streamed from disk into the pure CsvTableParser, decoded as UTF-8 across chunk edges. */
import { CsvTableParser, type CsvOptions } from '../../data/csv.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, fileSize, streamFile, type ReadOptions } from './read.ts';

export type CsvLoadOptions = ReadOptions & Omit<CsvOptions, 'file' | 'totalBytes'>;

/** Loads a CSV or TSV file into a RawTable, filling typed columns while it streams. */
export async function loadCsv(path: string, opts: CsvLoadOptions = {}): Promise<RawTable> {
  const csv: CsvOptions = { file: displayName(path), totalBytes: await fileSize(path) };
  if (opts.delimiter) csv.delimiter = opts.delimiter;
  if (opts.header !== undefined) csv.header = opts.header;
  if (opts.columnTypes) csv.columnTypes = opts.columnTypes;
  const parser = new CsvTableParser(csv);
  const decoder = new TextDecoder('utf-8');
  // 64 KiB chunks keep the garbage of split strings small: peak memory stays near the typed columns' size.
  await streamFile(path, (chunk) => parser.push(decoder.decode(chunk, { stream: true })), opts, 1 << 16);
  parser.push(decoder.decode());
  return parser.end();
}
