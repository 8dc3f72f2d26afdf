/**
 * Which loader reads a file: matched by leading bytes first (they cannot lie), then by name.
 * Pure, so the renderer can show the detected format before anything is loaded.
 */

export type FormatId = 'csv' | 'json' | 'npy' | 'npz' | 'idx' | 'images' | 'images-zip';

export interface FormatInfo {
  id: FormatId;
  /** What the user sees in a format picker. */
  label: string;
  /** Name endings (lower case) that suggest the format. */
  extensions: string[];
  /** True when the leading bytes prove the format. */
  magic?: (head: Uint8Array) => boolean;
}

const startsWith = (head: Uint8Array, bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/** The formats, in the order detection tries them. */
export const FORMATS: readonly FormatInfo[] = [
  {
    id: 'npy',
    label: 'NumPy array (.npy)',
    extensions: ['.npy'],
    magic: (h) => startsWith(h, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]),
  },
  { id: 'npz', label: 'NumPy archive (.npz)', extensions: ['.npz'] },
  { id: 'images-zip', label: 'Image folder, zipped (.zip)', extensions: ['.zip'] },
  {
    id: 'idx',
    label: 'IDX (MNIST format)',
    extensions: ['-ubyte', '-ubyte.gz', '.idx', '.idx.gz', '.idx1', '.idx3', '.idx1.gz', '.idx3.gz'],
  },
  { id: 'json', label: 'JSON records or columns', extensions: ['.json'] },
  { id: 'csv', label: 'CSV / TSV text', extensions: ['.csv', '.tsv', '.txt', '.tab', '.dat'] },
];

/** IDX magic: two zero bytes, a known type code, and 1-4 dimensions. */
export function isIdxMagic(head: Uint8Array): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0 &&
    head[1] === 0 &&
    [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(head[2]!) &&
    head[3]! >= 1 &&
    head[3]! <= 4
  );
}

/**
 * Detects the format of a file from its name and first bytes; folders are image folders.
 * Returns null when nothing fits (the caller then reports the supported formats).
 */
export function detectFormat(name: string, head: Uint8Array, isDirectory = false): FormatId | null {
  if (isDirectory) return 'images';
  const lower = name.toLowerCase();
  const byName = FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(e)));
  if (FORMATS[0]!.magic!(head)) return 'npy';
  if (isIdxMagic(head)) return 'idx';
  if (byName) return byName.id;
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'npz';
  // Text without a known extension: JSON if it opens with a bracket, CSV otherwise.
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] === 0x5b || head[i] === 0x7b) return 'json';
  return null;
}

/** Image files that an image folder's class subfolders hold: these endings, not hidden. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

export function isImageFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}
