/** NumPy files: .npy (one array) and .npz (several arrays, deflated with node:zlib within the limits). */
import { DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import { arrayTable } from '../../data/ndarray.ts';
import { MAX_HEADER, npyLayout, parseNpy } from '../../data/npy.ts';
import { npzTable, parseNpz } from '../../data/npz.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, inflateRawBounded, readArchive, readHead, readWhole, type ReadOptions } from './read.ts';

/** Loads an .npy array: 1-d -> column "value", 2-d -> column1..columnD, 3-d/4-d -> pixel1.. with an image shape. */
export async function loadNpy(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const file = displayName(path);
  const limits = opts.limits ?? DEFAULT_DATA_LIMITS;
  // The header's shape is checked against the limits before the data is read.
  npyLayout(await readHead(path, MAX_HEADER + 12), file, limits);
  return arrayTable(parseNpy(await readWhole(path, opts), file, limits), file);
}

/** Loads an .npz archive: arrays side by side, each array's first axis is rows. */
export async function loadNpz(path: string, opts: ReadOptions = {}): Promise<RawTable> {
  const file = displayName(path);
  const limits = opts.limits ?? DEFAULT_DATA_LIMITS;
  return npzTable(parseNpz(await readArchive(path, opts), file, inflateRawBounded, limits), file);
}
