/**
 * Data files the page uploads, received in chunks (so a 1 GB file is never one WebSocket message or
 * one IPC argument) and written to a private temp folder as they come; the loaders then read the
 * file from disk like any other. Temp folders are removed when an upload is opened or canceled,
 * when the engine closes, and, for an engine that was killed, by the next engine that starts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatLimit, LimitError, raiseHint } from '../../limits.ts';
import { UPLOAD_CHUNK_BYTES } from '../../protocol/schemas.ts';
import { safeFileName } from '../../protocol/file-name.ts';

const CHUNK_BYTES = UPLOAD_CHUNK_BYTES;
/** Uploads in progress at once; an abandoned one is dropped after IDLE_MS. */
const MAX_UPLOADS = 4;
const IDLE_MS = 10 * 60 * 1000;
const PREFIX = 'netwright-upload-';

interface Upload {
  dir: string;
  file: string;
  fileName: string;
  size: number;
  received: number;
  handle: FileHandle;
  touched: number;
}

/** A bad upload request: Api code bad-request. */
function badRequest(message: string): Error {
  const e = new Error(message);
  e.name = 'BadRequest';
  return e;
}

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove upload folders that engines which no longer run left in `root`; returns how many. */
export function removeStaleUploads(root = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      rmSync(path.join(root, name), { recursive: true, force: true });
      removed++;
    } catch {
      // Not ours to remove (another user's): leave it.
    }
  }
  return removed;
}

/** The uploads of one engine. */
export class Uploads {
  private readonly uploads = new Map<string, Upload>();
  private next = 1;

  constructor(
    private readonly maxBytes: () => number,
    private readonly root = tmpdir(),
  ) {}

  /** Start an upload of `size` bytes; chunks follow in order. */
  async begin(fileName: string, size: number): Promise<{ uploadId: string; chunkBytes: number }> {
    const max = this.maxBytes();
    if (size > max)
      throw new LimitError(
        'maxUploadBytes',
        `${fileName} has ${size.toLocaleString('en-US')} bytes, more than the limit of ${formatLimit('maxUploadBytes', max)} for an upload. ${raiseHint('maxUploadBytes', max)}.`,
      );
    await this.dropIdle();
    if (this.uploads.size >= MAX_UPLOADS)
      throw badRequest(`${MAX_UPLOADS} uploads are in progress already: let one finish or cancel it.`);
    const dir = mkdtempSync(path.join(this.root, `${PREFIX}${process.pid}-`));
    const base = safeFileName(path.basename(fileName), 'data');
    const file = path.join(dir, base);
    const handle = await open(file, 'wx', 0o600);
    const uploadId = `upload${this.next++}`;
    this.uploads.set(uploadId, { dir, file, fileName: base, size, received: 0, handle, touched: Date.now() });
    return { uploadId, chunkBytes: CHUNK_BYTES };
  }

  /** Write the chunk that starts at `offset` (which must be where the last one ended). */
  async chunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<{ received: number }> {
    const u = this.get(uploadId);
    if (offset !== u.received)
      throw badRequest(`The upload expected the chunk at byte ${u.received}, not ${offset}: send the chunks in order.`);
    if (bytes.length > CHUNK_BYTES) throw badRequest(`A chunk may have ${CHUNK_BYTES} bytes at most.`);
    if (u.received + bytes.length > u.size)
      throw badRequest(`${u.fileName}: more bytes arrived than the ${u.size} announced.`);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await u.handle.write(bytes, written, bytes.length - written, offset + written);
      written += bytesWritten;
    }
    u.received += bytes.length;
    u.touched = Date.now();
    return { received: u.received };
  }

  /** A complete upload's file, for the loaders; call `discard` when done with it. */
  async complete(uploadId: string): Promise<{ file: string; fileName: string }> {
    const u = this.get(uploadId);
    if (u.received !== u.size)
      throw badRequest(`${u.fileName}: ${u.received} of ${u.size} bytes arrived; send the rest before opening it.`);
    await u.handle.close();
    return { file: u.file, fileName: u.fileName };
  }

  /** Remove an upload and its file; false when there was none. */
  async discard(uploadId: string): Promise<boolean> {
    const u = this.uploads.get(uploadId);
    if (!u) return false;
    this.uploads.delete(uploadId);
    await u.handle.close().catch(() => {});
    rmSync(u.dir, { recursive: true, force: true });
    return true;
  }

  /** Remove every upload (the engine is closing). */
  async closeAll(): Promise<void> {
    for (const id of [...this.uploads.keys()]) await this.discard(id);
  }

  /** Uploads in progress. */
  get size(): number {
    return this.uploads.size;
  }

  private get(uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u) throw badRequest(`There is no upload '${uploadId}' in progress: start it again.`);
    return u;
  }

  private async dropIdle(): Promise<void> {
    const now = Date.now();
    for (const [id, u] of this.uploads) if (now - u.touched > IDLE_MS) await this.discard(id);
  }
}
