/**
 * Image folders: one subfolder per class holding PNG/JPEG/WebP files, decoded with sharp, optionally
 * resized, gray or RGB, pixels scaled to [0, 1] (pixel columns in HWC order, plus a "label" column).
 * The folder is read from disk, or from a zip of it (what the app uploads when a folder is opened,
 * and how image sets are often shipped).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { DataError } from '../../data/errors.ts';
import { isImageFileName } from '../../data/formats.ts';
import { checkCells, DEFAULT_DATA_LIMITS } from '../../data/limits.ts';
import { readZip } from '../../data/npz.ts';
import { formatLimit, raiseHint } from '../../limits.ts';
import type { RawColumn, RawTable } from '../../data/table.ts';
import { checkAborted, displayName, inflateRawBounded, ioError, readArchive, type ReadOptions } from './read.ts';

export interface ImageFolderOptions extends ReadOptions {
  /** Resize every image to this size ([width, height], or a square side). Without it all sizes must match. */
  imageSize?: number | [number, number];
  /** One gray channel instead of RGB. */
  grayscale?: boolean;
}

interface Item {
  /** What errors call the image: `<folder>/<class>/<file>`. */
  name: string;
  label: number;
  /** Bytes of the image file, for progress. */
  size: number;
  read: () => Promise<Uint8Array>;
}

/** The images of a folder or zip, by class (class names sorted, files sorted within a class). */
interface ImageSet {
  /** The folder's or zip's name, for errors and the table. */
  name: string;
  classes: string[];
  items: Item[];
}

const noImages = (file: string, what: string) =>
  new DataError({
    code: 'empty',
    file,
    problem: `the ${what} has no class subfolders with PNG, JPEG or WebP images`,
    hint: 'Put the images in one subfolder per class, e.g. cats/*.png and dogs/*.png',
  });

/** The class subfolders and their image files, sorted so the order never depends on the file system. */
async function folderImages(dir: string): Promise<ImageSet> {
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
      files = (await readdir(join(dir, cls))).filter(isImageFileName).sort();
    } catch (e) {
      throw ioError(join(dir, cls), e, true);
    }
    if (files.length === 0) continue;
    const label = used.length;
    used.push(cls);
    for (const f of files) {
      const path = join(dir, cls, f);
      const name = `${displayName(dir)}/${cls}/${f}`;
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (e) {
        throw ioError(path, e, true);
      }
      const read = async () => {
        try {
          return await readFile(path);
        } catch (e) {
          const err = ioError(path, e, true);
          throw new DataError({ code: err.code, file: name, problem: err.problem, hint: err.hint });
        }
      };
      items.push({ name, label, size, read });
    }
  }
  if (items.length === 0) throw noImages(displayName(dir), 'folder');
  return { name: displayName(dir), classes: used, items };
}

const ZIP_HINT = 'Zip the image folder again (one subfolder per class), or open the folder itself';

/**
 * The images of a zipped image folder: `class/file` entries, or `folder/class/file` when every image
 * sits in one top folder (a zipped folder). Deeper files, other files and macOS's `__MACOSX` copies
 * are left out, as a folder's are. Nothing is written to disk: each image is inflated when decoded,
 * and all of them together within the limit on decompressed bytes.
 */
async function zipImages(path: string, opts: ReadOptions): Promise<ImageSet> {
  const file = displayName(path);
  const limits = opts.limits ?? DEFAULT_DATA_LIMITS;
  const images = readZip(await readArchive(path, opts), file, ZIP_HINT)
    .map((e) => ({ e, p: e.name.split('/') }))
    .filter(({ p }) => p[0] !== '__MACOSX' && isImageFileName(p.at(-1)!));
  const top = images[0]?.p[0];
  // One top folder holding every image (deeper ones included): a zipped folder, read from inside it.
  const strip = images.length > 0 && images.every(({ p }) => p.length >= 3 && p[0] === top) ? 1 : 0;
  const byName = (a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1);
  const found = images
    .map(({ e, p }) => ({ e, p: p.slice(strip) }))
    .filter(({ p }) => p.length === 2 && p[0] !== '' && !p[0]!.startsWith('.'))
    .sort((a, b) => byName(a.p, b.p));
  if (found.length === 0) throw noImages(file, 'zip archive');
  const classes = [...new Set(found.map(({ p }) => p[0]!))];
  let inflated = 0;
  const items = found.map(({ e, p }): Item => {
    const name = `${file}/${p.join('/')}`;
    const read = async () => {
      if (e.method === 0) return e.data;
      if (e.method !== 8)
        throw new DataError({
          code: 'unsupported',
          file: name,
          problem: `zip compression method ${e.method} is not supported (only stored and deflated)`,
          hint: ZIP_HINT,
        });
      const budget = limits.maxDecompressedBytes - inflated;
      let out: Uint8Array;
      try {
        out = inflateRawBounded(e.data, { maxOutput: budget });
      } catch (err) {
        const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
        if (tooBig)
          throw new DataError({
            code: 'too-large',
            file,
            problem: `its images expand to more than the limit of ${formatLimit('maxDecompressedBytes', limits.maxDecompressedBytes)}`,
            hint: `Zip fewer or smaller images. ${raiseHint('maxDecompressedBytes', limits.maxDecompressedBytes)}`,
          });
        throw new DataError({
          code: 'truncated',
          file: name,
          problem: 'the compressed image is damaged',
          hint: ZIP_HINT,
        });
      }
      inflated += out.length;
      return out;
    };
    return { name, label: classes.indexOf(p[0]!), size: e.data.length, read };
  });
  return { name: file, classes, items };
}

/** Decodes one image to raw 8-bit pixels with the requested size and channels. */
async function decode(
  item: Item,
  opts: ImageFolderOptions,
): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const file = item.name;
  const bytes = await item.read();
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
  return decodeImages(await folderImages(dir), dir, opts);
}

/** Loads a zipped image folder into a table, like the folder itself. */
export async function loadImageZip(path: string, opts: ImageFolderOptions = {}): Promise<RawTable> {
  return decodeImages(await zipImages(path, opts), path, opts);
}

async function decodeImages(set: ImageSet, path: string, opts: ImageFolderOptions): Promise<RawTable> {
  const { name, classes, items } = set;
  const total = items.reduce((a, b) => a + b.size, 0);
  const n = items.length;
  let cols: Float32Array[] = [];
  let shape: [number, number, number] | null = null;
  let firstFile = '';
  let done = 0;
  const BATCH = 8;
  for (let start = 0; start < n; start += BATCH) {
    checkAborted(path, opts.signal);
    const batch = items.slice(start, start + BATCH);
    const decoded = await Promise.all(batch.map((it) => decode(it, opts)));
    for (let b = 0; b < batch.length; b++) {
      const img = decoded[b]!;
      const i = start + b;
      if (!shape) {
        checkCells(
          name,
          n,
          img.width * img.height * img.channels,
          (opts.limits ?? DEFAULT_DATA_LIMITS).maxCells,
          `${n} images of ${img.width}x${img.height}x${img.channels}`,
        );
        shape = [img.height, img.width, img.channels];
        firstFile = batch[b]!.name;
        cols = Array.from({ length: img.width * img.height * img.channels }, () => new Float32Array(n));
      } else if (img.height !== shape[0] || img.width !== shape[1] || img.channels !== shape[2]) {
        throw new DataError({
          code: 'mismatch',
          file: batch[b]!.name,
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
  checkAborted(path, opts.signal);
  const names = cols.map((_, p) => `pixel${p + 1}`);
  const columns: RawColumn[] = names.map((col, p) => ({ kind: 'numeric', name: col, values: cols[p]! }));
  columns.push({ kind: 'string', name: 'label', codes: Int32Array.from(items, (it) => it.label), dictionary: classes });
  return { name, rows: n, columns, image: { shape: shape!, columns: names } };
}
