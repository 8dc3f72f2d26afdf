/**
 * Atomic file writes: write a temp file beside the target, fsync it, rename it over the target and
 * fsync the folder, so readers (and a machine that loses power) see the old file or the whole new
 * one, never a part. The file keeps its permissions; a symlink is written through to its target;
 * temp files are removed on any failure, and those a killed writer left behind are removed by the
 * next write beside them (and by `removeStaleTemps` when a host starts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** `.<name>.<pid>.<8 hex>.tmp`: the writer's pid tells whether a temp file is still being written. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove temp files that writers which no longer run left in `dir` (all of them, or only those for
 * the file named `base`). Returns how many were removed; never throws.
 */
export async function removeStaleTemps(dir: string, base?: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || (base !== undefined && m[1] !== base) || alive(Number(m[2]))) continue;
    try {
      await fs.rm(path.join(dir, name), { force: true });
      removed++;
    } catch {
      // Another process cleaned it first, or it is not ours to remove: leave it.
    }
  }
  return removed;
}

/** The file a write to `file` must replace: the final target when `file` is a symlink (even a dangling one). */
async function writeTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return current; // a plain file, or none yet
      throw e;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP' });
}

/** fsync a folder so a rename in it is on disk (not supported on Windows, where rename is durable enough). */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}

/** Write `data` to `file` so that readers see either the old file or the whole new one, never a part. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = await writeTarget(file);
  const dir = path.dirname(target);
  const base = path.basename(target);
  await fs.mkdir(dir, { recursive: true });
  await removeStaleTemps(dir, base);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(target)).mode & 0o7777;
  } catch {
    mode = undefined; // a new file: the usual 0666 less the umask
  }
  const tmp = path.join(dir, tempName(base));
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', mode ?? 0o666);
    // open() applies the umask; an existing file's mode (0600, 0640, ...) is restored exactly.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}
