/** The one entry point for local data: detects the format, picks the loader, returns a RawTable. */
import { stat } from 'node:fs/promises';
import { DataError } from '../../data/errors.ts';
import { detectFormat, FORMATS, type FormatId } from '../../data/formats.ts';
import type { RawTable } from '../../data/table.ts';
import { loadCsv, type CsvLoadOptions } from './csv-loader.ts';
import { loadIdx } from './idx-loader.ts';
import { loadImageFolder, loadImageZip } from './image-loader.ts';
import { loadJson } from './json-loader.ts';
import { loadNpy, loadNpz } from './npy-loader.ts';
import { envLimits } from '../limits.ts';
import { displayName, ioError, readHead, type ReadOptions } from './read.ts';

export interface LoadTableOptions extends ReadOptions {
  /** Skip detection and use this loader. */
  format?: FormatId;
  /** Image folders: resize every image to [width, height] (or a square); without it sizes must match. */
  imageSize?: number | [number, number];
  /** Image folders: decode as one gray channel instead of RGB. */
  grayscale?: boolean;
  /** IDX: the labels file paired with the images file given as the path. */
  labelsPath?: string;
  /** CSV: delimiter, header and per-column type overrides. */
  csv?: Omit<CsvLoadOptions, keyof ReadOptions>;
}

/** A loader in the registry: one per format, each in its own file. */
export type Loader = (path: string, opts: LoadTableOptions) => Promise<RawTable>;

const LOADERS: Partial<Record<FormatId, Loader>> = {
  csv: (path, opts) => loadCsv(path, { ...opts.csv, ...readOpts(opts) }),
  json: (path, opts) => loadJson(path, readOpts(opts)),
  npy: (path, opts) => loadNpy(path, readOpts(opts)),
  npz: (path, opts) => loadNpz(path, readOpts(opts)),
  idx: (path, opts) =>
    loadIdx(path, opts.labelsPath ? { ...readOpts(opts), labelsPath: opts.labelsPath } : readOpts(opts)),
  images: (path, opts) => loadImageFolder(path, opts),
  'images-zip': (path, opts) => loadImageZip(path, opts),
};

/** Registers (or replaces) the loader for a format. */
export function registerLoader(id: FormatId, loader: Loader): void {
  LOADERS[id] = loader;
}

function readOpts(opts: LoadTableOptions): ReadOptions {
  const r: ReadOptions = {};
  if (opts.limits) r.limits = opts.limits;
  if (opts.signal) r.signal = opts.signal;
  if (opts.onProgress) r.onProgress = opts.onProgress;
  return r;
}

/**
 * Loads a data file (CSV/TSV, JSON, NPY/NPZ, IDX pair) or an image folder (or a zip of one) into a RawTable, within
 * the limits given (default: the NETWRIGHT_MAX_* settings).
 */
export async function loadTable(path: string, given: LoadTableOptions = {}): Promise<RawTable> {
  const opts: LoadTableOptions = given.limits ? given : { ...given, limits: envLimits() };
  let isDir: boolean;
  try {
    const st = await stat(path);
    isDir = st.isDirectory();
    // A FIFO, socket or device would block the read forever or never end.
    if (!isDir && !st.isFile())
      throw new DataError({
        code: 'unsupported',
        file: displayName(path),
        problem: 'it is not a regular file (a pipe, socket or device)',
        hint: 'Save the data to a file first, then load that file',
      });
  } catch (e) {
    throw ioError(path, e);
  }
  const head = isDir ? new Uint8Array() : await readHead(path, 512);
  // Unknown name but text-like bytes: most likely a delimited text file; the CSV loader checks.
  const format =
    opts.format ?? detectFormat(path, head, isDir) ?? (head.length > 0 && !head.includes(0) ? 'csv' : null);
  if (!format) {
    const known = FORMATS.map((f) => f.extensions.join(' ')).join(' ');
    throw new DataError({
      code: 'unsupported',
      file: displayName(path),
      problem: 'the file format is not recognised',
      hint: `Use one of: ${known}, or a folder of images with one subfolder per class`,
    });
  }
  const loader = LOADERS[format];
  if (!loader)
    throw new DataError({
      code: 'unsupported',
      file: displayName(path),
      problem: `no loader for format ${format}`,
      hint: 'Convert the data to CSV',
    });
  return loader(path, opts);
}
