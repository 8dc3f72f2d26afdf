/** JSON files: read whole (with progress), parsed by the pure parseJsonTable. */
import { parseJsonTable } from '../../data/json.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, readWhole, type ReadOptions } from './read.ts';

/** Loads a JSON array of records or object of columns. */
export async function loadJson(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const bytes = await readWhole(path, opts);
  return parseJsonTable(new TextDecoder('utf-8').decode(bytes), displayName(path));
}
