/** IDX files (MNIST format), plain or gzipped, images paired with a labels file. */
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { idxLayout, idxPairTable, parseIdx } from '../../data/idx.ts';
import { checkDecompressed, DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import { arrayTable } from '../../data/ndarray.ts';
import type { RawTable } from '../../data/table.ts';
import { displayName, gunzip, isGzip, readHead, readWhole, type ReadOptions } from './read.ts';

/** Bytes of an IDX header at most: magic and four dimensions. */
const IDX_HEAD = 4 + 4 * 4;

async function readIdx(path: string, opts: ReadOptions): Promise<ReturnType<typeof parseIdx>> {
  const file = displayName(path);
  const limits = opts.limits ?? DEFAULT_DATA_LIMITS;
  const head = await readHead(path, IDX_HEAD);
  // The header decides the size before the data is read or a gzip stream is expanded.
  if (!isGzip(head)) idxLayout(head, file, limits);
  let bytes = await readWhole(path, opts);
  if (isGzip(bytes)) {
    const { total } = idxLayout(gunzip(path, bytes, { maxOutput: IDX_HEAD, prefix: true }), file, limits);
    checkDecompressed(file, total, limits.maxDecompressedBytes);
    bytes = gunzip(path, bytes, { maxOutput: total });
  }
  return parseIdx(bytes, file, limits);
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
  const labels = await readIdx(labelsPath, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  return idxPairTable(images, labels, displayName(path), displayName(labelsPath));
}
