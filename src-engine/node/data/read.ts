/** File access for loaders: streamed reads with progress, cancellation, and typed errors. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { constants, gunzipSync, inflateRawSync } from 'node:zlib';
import { DataError, isDataError } from '../../data/errors.ts';
import { checkDecompressed, DEFAULT_DATA_LIMITS, type DataLimits } from '../../data/limits.ts';
import type { InflateRaw } from '../../data/npz.ts';

/** What every loader accepts besides the path. */
export interface ReadOptions {
  /** Cell and decompression limits (loadTable fills them from the settings when absent). */
  limits?: DataLimits;
  /** Aborting it stops the load with a DataError of code 'cancelled'. */
  signal?: AbortSignal;
  /** Called after each chunk with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** The name used in messages: the file's base name (full paths make messages hard to read). */
export function displayName(path: string): string {
  return basename(path) || path;
}

/** Throws DataError 'cancelled' when the signal has fired. */
export function checkAborted(path: string, signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new DataError({
      code: 'cancelled',
      file: displayName(path),
      problem: 'loading was cancelled',
      hint: 'Start the load again to use this file',
    });
  }
}

/** Turns a Node fs error into a DataError naming the file. */
export function ioError(path: string, err: unknown, midway = false): DataError {
  if (isDataError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const file = displayName(path);
  if (code === 'ENOENT') {
    return midway
      ? new DataError({
          code: 'vanished',
          file,
          problem: 'the file disappeared while it was being loaded',
          hint: 'Keep the file in place until loading finishes, then load it again',
        })
      : new DataError({ code: 'io', file, problem: 'the file does not exist', hint: 'Check the path and spelling' });
  }
  if (code === 'EISDIR')
    return new DataError({
      code: 'io',
      file,
      problem: 'this is a folder, not a file',
      hint: 'Choose a data file, or a folder of images with one subfolder per class',
    });
  if (code === 'EACCES' || code === 'EPERM')
    return new DataError({
      code: 'io',
      file,
      problem: 'permission denied',
      hint: 'Make the file readable, or copy it somewhere you can read',
    });
  return new DataError({
    code: 'io',
    file,
    problem: `it could not be read (${(err as Error)?.message ?? String(err)})`,
    hint: 'Check that the file is readable and not locked by another program',
  });
}

/** Size of a file, as a DataError when it is missing. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    throw ioError(path, e);
  }
}

/**
 * Streams a file chunk by chunk to `onChunk`, reporting progress and honouring the signal; after the
 * last chunk checks that the file is still there and unchanged (a file deleted mid-read on Linux
 * still reads to the end through the open handle, so only this check notices).
 */
export async function streamFile(
  path: string,
  onChunk: (chunk: Buffer) => void,
  opts: ReadOptions = {},
  chunkSize = 1 << 20,
): Promise<number> {
  const total = await fileSize(path);
  checkAborted(path, opts.signal);
  let read = 0;
  const stream = createReadStream(path, { highWaterMark: chunkSize });
  // The consumer's own errors (a parse error, a limit) pass through as they are; read errors get a sentence.
  let consuming = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checkAborted(path, opts.signal);
      read += chunk.length;
      consuming = true;
      onChunk(chunk);
      consuming = false;
      opts.onProgress?.(read, total);
    }
  } catch (e) {
    if (consuming) throw e;
    throw ioError(path, e, true);
  } finally {
    stream.destroy();
  }
  checkAborted(path, opts.signal);
  let after: number;
  try {
    after = (await stat(path)).size;
  } catch (e) {
    throw ioError(path, e, true);
  }
  if (after !== total || read !== total) {
    throw new DataError({
      code: 'vanished',
      file: displayName(path),
      problem: `the file changed while it was being loaded (${total} bytes at the start, ${after} at the end)`,
      hint: 'Wait until whatever writes the file has finished, then load it again',
    });
  }
  return read;
}

/** Reads a whole file into memory with progress and cancellation (binary formats). */
export async function readWhole(path: string, opts: ReadOptions = {}): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const n = await streamFile(path, (c) => chunks.push(c), opts);
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Reads a whole archive (.zip, .npz) after checking its size against the limit on decompressed
 * bytes: its stored or deflated members count against the same bound.
 */
export async function readArchive(path: string, opts: ReadOptions = {}): Promise<Uint8Array> {
  const limits = opts.limits ?? DEFAULT_DATA_LIMITS;
  checkDecompressed(displayName(path), await fileSize(path), limits.maxDecompressedBytes, 'the archive');
  return readWhole(path, opts);
}

/** True when bytes start with the gzip magic. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * A zlib decompressor with an output bound (see InflateRaw): with `prefix`, the first `maxOutput`
 * bytes of the stream, inflating ever larger starts of the input (cut input is fine with a sync
 * flush), so a header is read without expanding a bomb; otherwise the whole stream, refusing
 * (RangeError) to produce more than `maxOutput` bytes.
 */
function bounded(decompress: typeof inflateRawSync): InflateRaw {
  return (bytes, { maxOutput, prefix }) => {
    if (!prefix) return new Uint8Array(decompress(bytes, { maxOutputLength: Math.max(1, maxOutput) }));
    for (let k = 1024; ; k *= 4) {
      const part = decompress(bytes.subarray(0, k), { finishFlush: constants.Z_SYNC_FLUSH });
      if (part.length >= maxOutput || k >= bytes.length) return new Uint8Array(part.subarray(0, maxOutput));
    }
  };
}

/** Raw deflate (zip entries) with an output bound. */
export const inflateRawBounded: InflateRaw = bounded(inflateRawSync);
/** Gzip with an output bound. */
export const gunzipBounded: InflateRaw = bounded(gunzipSync);

/** Gunzips at most `maxOutput` bytes (or a prefix of them), turning a corrupt or cut stream into a DataError. */
export function gunzip(path: string, bytes: Uint8Array, opts: { maxOutput: number; prefix?: boolean }): Uint8Array {
  try {
    return gunzipBounded(bytes, opts);
  } catch (e) {
    const tooLong = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
    throw new DataError({
      code: tooLong ? 'bad-format' : 'truncated',
      file: displayName(path),
      problem: tooLong
        ? 'the gzip data holds more than its header declares'
        : `the gzip data is damaged or cut short (${(e as Error).message})`,
      hint: 'Download or copy the file again, or gunzip it yourself to check it',
    });
  }
}

/** First bytes of a file, for format detection. */
export async function readHead(path: string, n = 16): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return new Uint8Array(buf.subarray(0, bytesRead));
  } catch (e) {
    throw ioError(path, e);
  } finally {
    await fh?.close();
  }
}
