/**
 * Image folders: one subfolder per class holding PNG/JPEG/WebP files, decoded with sharp, optionally
 * resized, gray or RGB, pixels scaled to [0, 1] (pixel columns in HWC order, plus a "label" column).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { DataError } from '../../data/errors.ts';
import { checkCells, DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import type { RawColumn, RawTable } from '../../data/table.ts';
import { checkAborted, displayName, ioError, type ReadOptions } from './read.ts';

export interface ImageFolderOptions extends ReadOptions {
  /** Resize every image to this size ([width, height], or a square side). Without it all sizes must match. */
  imageSize?: number | [number, number];
  /** One gray channel instead of RGB. */
  grayscale?: boolean;
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);

interface Item {
  path: string;
  label: number;
  size: number;
}

/** The class subfolders and their image files, sorted so the order never depends on the file system. */
async function listImages(dir: string): Promise<{ classes: string[]; items: Item[] }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e);
  }
  const classes = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const items: Item[] = [];
  const used: string[] = [];
  for (const cls of classes) {
    let files: string[];
    try {
      files = (await readdir(join(dir, cls)))
        .filter((f) => !f.startsWith('.') && IMAGE_EXT.has(extname(f).toLowerCase()))
        .sort();
    } catch (e) {
      throw ioError(join(dir, cls), e, true);
    }
    if (files.length === 0) continue;
    const label = used.length;
    used.push(cls);
    for (const f of files) {
      const path = join(dir, cls, f);
      try {
        items.push({ path, label, size: (await stat(path)).size });
      } catch (e) {
        throw ioError(path, e, true);
      }
    }
  }
  if (items.length === 0) {
    throw new DataError({
      code: 'empty',
      file: displayName(dir),
      problem: 'the folder has no class subfolders with PNG, JPEG or WebP images',
      hint: 'Put the images in one subfolder per class, e.g. cats/*.png and dogs/*.png',
    });
  }
  return { classes: used, items };
}

/** Decodes one image to raw 8-bit pixels with the requested size and channels. */
async function decode(
  item: Item,
  dir: string,
  opts: ImageFolderOptions,
): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const file = `${displayName(dir)}/${basename(join(item.path, '..'))}/${basename(item.path)}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(item.path);
  } catch (e) {
    const err = ioError(item.path, e, true);
    throw new DataError({ code: err.code, file, problem: err.problem, hint: err.hint });
  }
  try {
    // sharp refuses images with more pixels than this before decoding them (decompression bombs).
    const maxPixels = Math.min(opts.limits?.maxCells ?? DEFAULT_DATA_LIMITS.maxCells, 0x3fff * 0x3fff);
    let img = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels });
    if (opts.imageSize !== undefined) {
      const [w, h] = typeof opts.imageSize === 'number' ? [opts.imageSize, opts.imageSize] : opts.imageSize;
      img = img.resize(w, h, { fit: 'fill' });
    }
    img = opts.grayscale ? img.removeAlpha().grayscale() : img.removeAlpha().toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw new DataError({
      code: 'unreadable',
      file,
      problem: `the image cannot be decoded (${(e as Error).message})`,
      hint: 'Remove or replace this file; images must be PNG, JPEG or WebP',
    });
  }
}

/** Loads an image folder into a table; progress counts bytes of image files decoded. */
export async function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): Promise<RawTable> {
  const { classes, items } = await listImages(dir);
  const total = items.reduce((a, b) => a + b.size, 0);
  const n = items.length;
  let cols: Float32Array[] = [];
  let shape: [number, number, number] | null = null;
  let firstFile = '';
  let done = 0;
  const BATCH = 8;
  for (let start = 0; start < n; start += BATCH) {
    checkAborted(dir, opts.signal);
    const batch = items.slice(start, start + BATCH);
    const decoded = await Promise.all(batch.map((it) => decode(it, dir, opts)));
    for (let b = 0; b < batch.length; b++) {
      const img = decoded[b]!;
      const i = start + b;
      if (!shape) {
        checkCells(
          displayName(dir),
          n,
          img.width * img.height * img.channels,
          (opts.limits ?? DEFAULT_DATA_LIMITS).maxCells,
          `${n} images of ${img.width}x${img.height}x${img.channels}`,
        );
        shape = [img.height, img.width, img.channels];
        firstFile = batch[b]!.path;
        cols = Array.from({ length: img.width * img.height * img.channels }, () => new Float32Array(n));
      } else if (img.height !== shape[0] || img.width !== shape[1] || img.channels !== shape[2]) {
        throw new DataError({
          code: 'mismatch',
          file: `${displayName(dir)}/${basename(join(batch[b]!.path, '..'))}/${basename(batch[b]!.path)}`,
          problem: `the image is ${img.width}x${img.height}x${img.channels} but ${basename(firstFile)} is ${shape[1]}x${shape[0]}x${shape[2]}`,
          hint: 'Choose an image size so every image is resized to it',
        });
      }
      const px = img.data;
      for (let p = 0; p < px.length; p++) cols[p]![i] = px[p]! / 255;
      done += batch[b]!.size;
    }
    opts.onProgress?.(done, total);
  }
  checkAborted(dir, opts.signal);
  const names = cols.map((_, p) => `pixel${p + 1}`);
  const columns: RawColumn[] = names.map((name, p) => ({ kind: 'numeric', name, values: cols[p]! }));
  columns.push({ kind: 'string', name: 'label', codes: Int32Array.from(items, (it) => it.label), dictionary: classes });
  return { name: displayName(dir), rows: n, columns, image: { shape: shape!, columns: names } };
}
