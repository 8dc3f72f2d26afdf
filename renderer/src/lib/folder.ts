/**
 * Image folders in the page: a folder picked with "Open folder…" or dropped on the window becomes
 * one zip of its class subfolders' images, which the engine reads like the folder itself.
 */
import { zipSync, type Zippable } from 'fflate';
import { isImageFileName } from '../../../src-engine/protocol/index.ts';

/**
 * What the walk of a dropped folder uses of the browser's FileSystemEntry, FileSystemDirectoryEntry
 * and FileSystemFileEntry (declared here, so this module also type-checks for its tests in Node).
 */
interface Entry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}
interface DirectoryEntry extends Entry {
  createReader(): { readEntries(ok: (batch: Entry[]) => void, fail: (e: unknown) => void): void };
}
interface FileEntry extends Entry {
  file(ok: (f: File) => void, fail: (e: unknown) => void): void;
}

/** A file of a folder the user picked or dropped, with its path from the folder's name on ("shapes/cats/1.png"). */
export interface FolderFile {
  path: string;
  file: File;
}

/** The files of a folder picked with a folder input (`webkitdirectory`): each knows its path. */
export function pickedFolder(files: readonly (File & { webkitRelativePath?: string })[]): FolderFile[] {
  return files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * The files of a folder dropped on the window, down to its class subfolders' files (the depth an
 * image folder has), or null when the drop is not a folder. Call it in the drop event itself: its
 * items are gone once the handler returns.
 */
export function droppedFolder(items: ArrayLike<{ webkitGetAsEntry(): Entry | null }>): Promise<FolderFile[]> | null {
  const entry = items.length === 1 ? items[0]!.webkitGetAsEntry() : null;
  if (!entry?.isDirectory) return null;
  const list = (dir: DirectoryEntry) =>
    new Promise<Entry[]>((resolve, reject) => {
      const reader = dir.createReader();
      const all: Entry[] = [];
      // readEntries answers in batches (100 at a time in Chromium) until an empty one.
      const more = () =>
        reader.readEntries((batch) => {
          if (!batch.length) return resolve(all);
          all.push(...batch);
          more();
        }, reject);
      more();
    });
  const file = (e: FileEntry) => new Promise<File>((resolve, reject) => e.file(resolve, reject));
  return (async () => {
    const out: FolderFile[] = [];
    for (const cls of await list(entry as DirectoryEntry)) {
      if (!cls.isDirectory) continue;
      for (const f of await list(cls as DirectoryEntry))
        if (f.isFile && isImageFileName(f.name))
          out.push({ path: `${entry.name}/${cls.name}/${f.name}`, file: await file(f as FileEntry) });
    }
    return out;
  })();
}

/**
 * The most image bytes a folder opened in the app may hold: the page reads them whole to zip them.
 * A larger folder can still be zipped by hand (a zip file is sent in chunks) or trained with
 * `netwright train --data FOLDER`.
 */
export const MAX_FOLDER_BYTES = 1024 * 1024 * 1024;

/**
 * An image folder (its files with their paths) as one zip for the engine, which reads it like the
 * folder itself. Only the images of its class subfolders go in, stored (they are compressed
 * already). A string says why there is nothing to open.
 */
export async function zipImageFolder(
  files: readonly FolderFile[],
  maxBytes = MAX_FOLDER_BYTES,
): Promise<File | string> {
  const folder = files[0]?.path.split('/')[0] || 'images';
  const images = files.filter(({ path }) => {
    const p = path.split('/');
    return p.length === 3 && !p[1]!.startsWith('.') && isImageFileName(p[2]!);
  });
  if (images.length === 0)
    return `The folder ${folder} has no class subfolders with PNG, JPEG or WebP images. Put the images in one subfolder per class (${folder}/cats/*.png, ${folder}/dogs/*.png), then open the folder.`;
  // Checked before anything is read: the page holds the images in memory while it zips them.
  const bytes = images.reduce((sum, f) => sum + f.file.size, 0);
  if (bytes > maxBytes)
    return `The folder ${folder} holds ${bytes.toLocaleString('en-US')} bytes of images, more than the ${formatBytes(maxBytes)} a folder opened in the app may hold (the page reads it whole). Zip the folder and open the zip, or train on it with netwright train --data ${folder}.`;
  const entries: Zippable = {};
  for (const { path, file } of images)
    entries[path.split('/').slice(1).join('/')] = new Uint8Array(await file.arrayBuffer());
  return new File([zipSync(entries, { level: 0 })], `${folder}.zip`);
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}
