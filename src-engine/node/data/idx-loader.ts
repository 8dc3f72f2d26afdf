/** IDX files (MNIST format), plain or gzipped, images paired with a labels file. */
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { idxPairTable, parseIdx } from '../../data/idx.ts';
import { arrayTable } from '../../data/ndarray.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, gunzip, isGzip, readWhole, type ReadOptions } from './read.ts';

async function readIdx(path: string, opts: ReadOptions): Promise<ReturnType<typeof parseIdx>> {
  let bytes = await readWhole(path, opts);
  if (isGzip(bytes)) bytes = gunzip(path, bytes);
  return parseIdx(bytes, displayName(path));
}

/** The conventional labels file next to an images file (train-images-idx3-ubyte -> train-labels-idx1-ubyte), if present. */
export async function siblingLabels(imagesPath: string): Promise<string | null> {
  const name = basename(imagesPath);
  if (!/images/.test(name)) return null;
  const guess = join(dirname(imagesPath), name.replace('images', 'labels').replace('idx3', 'idx1'));
  try {
    await access(guess);
    return guess;
  } catch {
    return null;
  }
}

/** Loads IDX images (+ labels from `labelsPath` or the sibling labels file) into pixel1.. and label columns. */
export async function loadIdx(path: string, opts: ReadOptions & { labelsPath?: string } = {}): Promise<RawTable> {
  const labelsPath = opts.labelsPath ?? (await siblingLabels(path));
  const images = await readIdx(path, opts);
  if (!labelsPath) return arrayTable(images, displayName(path));
  const labels = await readIdx(labelsPath, opts.signal ? { signal: opts.signal } : {});
  return idxPairTable(images, labels, displayName(path), displayName(labelsPath));
}
