/** File access for loaders: streamed reads with progress, cancellation, and typed errors. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError, isDataError } from '../../data/errors.ts';

/** What every loader accepts besides the path. */
export interface ReadOptions {
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
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checkAborted(path, opts.signal);
      read += chunk.length;
      onChunk(chunk);
      opts.onProgress?.(read, total);
    }
  } catch (e) {
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

/** True when bytes start with the gzip magic. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips, turning a corrupt or cut stream into a DataError. */
export function gunzip(path: string, bytes: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (e) {
    throw new DataError({
      code: 'truncated',
      file: displayName(path),
      problem: `the gzip data is damaged or cut short (${(e as Error).message})`,
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
