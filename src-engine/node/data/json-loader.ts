/** JSON files: read whole (with progress), parsed by the pure parseJsonTable. */
import { DataError } from '../../data/errors.ts';
import { parseJsonTable } from '../../data/json.ts';
import { DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, fileSize, readWhole, type ReadOptions } from './read.ts';

/** JSON is parsed whole into one string and a tree of objects: past this size that needs more memory than text formats. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Loads a JSON array of records or object of columns. */
export async function loadJson(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const size = await fileSize(path);
  if (size > MAX_JSON_BYTES)
    throw new DataError({
      code: 'too-large',
      file: displayName(path),
      problem: `the file has ${size.toLocaleString('en-US')} bytes; JSON files over 256 MB cannot be read, since JSON is parsed whole`,
      hint: 'Save the table as CSV or NPY, which are read as they stream',
    });
  const bytes = await readWhole(path, opts);
  return parseJsonTable(new TextDecoder('utf-8').decode(bytes), displayName(path), opts.limits ?? DEFAULT_DATA_LIMITS);
}
