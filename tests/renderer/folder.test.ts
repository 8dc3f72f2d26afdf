// An image folder picked or dropped in the page becomes one zip of its class subfolders' images.
import { unzipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { droppedFolder, MAX_FOLDER_BYTES, pickedFolder, zipImageFolder } from '../../renderer/src/lib/folder.ts';

const file = (name: string, text = name) => new File([text], name);

/** A fake FileSystemEntry tree (what Chromium gives for a dropped folder), read in batches of two. */
interface Fake {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}
function dir(name: string, children: Fake[]): Fake {
  return {
    name,
    isDirectory: true,
    isFile: false,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (b: Fake[]) => void) => {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          setTimeout(() => ok(batch));
        },
      };
    },
  } as Fake;
}
function leaf(name: string): Fake {
  return {
    name,
    isDirectory: false,
    isFile: true,
    file: (ok: (f: File) => void) => ok(file(name)),
  } as Fake;
}
const drop = (...entries: Fake[]) => entries.map((e) => ({ webkitGetAsEntry: () => e }));

describe('image folders in the page', () => {
  it('zips the images of the class subfolders only, under their class names', async () => {
    const picked = [
      'shapes/circles/1.png',
      'shapes/circles/2.JPG',
      'shapes/squares/1.webp',
      'shapes/README.txt',
      'shapes/squares/notes.txt',
      'shapes/.hidden/1.png',
      'shapes/squares/deeper/3.png',
    ].map((path) => ({ path, file: file(path.split('/').at(-1)!, path) }));
    const zip = await zipImageFolder(picked);
    expect(zip).toBeInstanceOf(File);
    const z = zip as File;
    expect(z.name).toBe('shapes.zip');
    const entries = unzipSync(new Uint8Array(await z.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(['circles/1.png', 'circles/2.JPG', 'squares/1.webp']);
    expect(new TextDecoder().decode(entries['squares/1.webp'])).toBe('shapes/squares/1.webp');
  });

  it('says why a folder without class subfolders of images cannot be opened', async () => {
    expect(await zipImageFolder([{ path: 'flat/a.png', file: file('a.png') }])).toBe(
      'The folder flat has no class subfolders with PNG, JPEG or WebP images. Put the images in one subfolder per class (flat/cats/*.png, flat/dogs/*.png), then open the folder.',
    );
  });

  it('refuses, before reading anything, a folder whose images pass the limit, naming it and what to do', async () => {
    const big = [
      { path: 'photos/cats/1.png', file: file('1.png', 'x'.repeat(600)) },
      { path: 'photos/dogs/1.png', file: file('1.png', 'y'.repeat(600)) },
      { path: 'photos/notes.txt', file: file('notes.txt', 'z'.repeat(5000)) },
    ];
    const read = vi.spyOn(File.prototype, 'arrayBuffer');
    expect(await zipImageFolder(big, 1000)).toBe(
      'The folder photos holds 1,200 bytes of images, more than the 1,000 bytes a folder opened in the app may hold (the page reads it whole). Zip the folder and open the zip, or train on it with netwright train --data photos.',
    );
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    // Other files do not count: at 1,200 bytes the two images fit.
    expect(await zipImageFolder(big, 1200)).toBeInstanceOf(File);
    expect(MAX_FOLDER_BYTES).toBe(1024 ** 3);
  });

  it('reads a picked folder by its relative paths and a dropped one by walking its entries', async () => {
    const f = file('1.png');
    Object.defineProperty(f, 'webkitRelativePath', { value: 'shapes/circles/1.png' });
    expect(pickedFolder([f])).toEqual([{ path: 'shapes/circles/1.png', file: f }]);
    const tree = dir('shapes', [
      dir('circles', [leaf('1.png'), leaf('2.png'), leaf('3.png'), leaf('notes.txt')]),
      leaf('README.txt'),
      dir('squares', [leaf('1.png')]),
    ]);
    const files = await droppedFolder(drop(tree))!;
    expect(files.map((x) => x.path)).toEqual([
      'shapes/circles/1.png',
      'shapes/circles/2.png',
      'shapes/circles/3.png',
      'shapes/squares/1.png',
    ]);
    // A file, or several things at once, are not a folder drop.
    expect(droppedFolder(drop(leaf('data.csv')))).toBeNull();
    expect(droppedFolder(drop(tree, tree))).toBeNull();
  });
});
