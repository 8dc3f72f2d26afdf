/** NumPy files: .npy (one array) and .npz (several arrays, deflated with node:zlib). */
import { inflateRawSync } from 'node:zlib';
import { arrayTable } from '../../data/ndarray.ts';
import { parseNpy } from '../../data/npy.ts';
import { npzTable, parseNpz } from '../../data/npz.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, readWhole, type ReadOptions } from './read.ts';

/** Loads an .npy array: 1-d -> column "value", 2-d -> column1..columnD, 3-d/4-d -> pixel1.. with an image shape. */
export async function loadNpy(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const file = displayName(path);
  return arrayTable(parseNpy(await readWhole(path, opts), file), file);
}

/** Loads an .npz archive: arrays side by side, each array's first axis is rows. */
export async function loadNpz(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const file = displayName(path);
  const arrays = parseNpz(await readWhole(path, opts), file, (b) => new Uint8Array(inflateRawSync(b)));
  return npzTable(arrays, file);
}
