/** The one rule for turning a project, dataset or run name into a file name. */

/** The longest name kept, in characters and in UTF-8 bytes (file systems allow 255 bytes a name). */
const MAX_CHARS = 120;
const MAX_BYTES = 240;

const utf8 = new TextEncoder();
const fits = (s: string) => s.length <= MAX_CHARS && utf8.encode(s).length <= MAX_BYTES;

/**
 * A name safe as a file name on every system: letters, digits, spaces and `._()-` kept, anything else
 * replaced by `_`, no leading dots (no hidden files, no `..`), at most 120 characters and 240 UTF-8
 * bytes (a short extension such as an upload's `.csv` kept when the name is cut); `fallback` when
 * nothing is left.
 */
export function safeFileName(name: string, fallback = 'Untitled'): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[\s.]+/, '')
    .trim();
  if (fits(cleaned)) return cleaned || fallback;
  const ext = /\.[\p{L}\p{N}]{1,8}$/u.exec(cleaned)?.[0] ?? '';
  // Whole characters (code points) go from the end of the stem until the name fits.
  const stem = [...cleaned.slice(0, cleaned.length - ext.length)].slice(0, MAX_CHARS);
  while (stem.length && !fits(stem.join('') + ext)) stem.pop();
  return `${stem.join('').trim()}${ext}` || fallback;
}
