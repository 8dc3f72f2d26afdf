/** The one rule for turning a project, dataset or run name into a file name. */

/**
 * A name safe as a file name on every system: letters, digits, spaces and `._()-` kept, anything else
 * replaced by `_`, no leading dots (no hidden files, no `..`), at most 120 characters (a short
 * extension such as an upload's `.csv` kept when the name is cut); `fallback` when nothing is left.
 */
export function safeFileName(name: string, fallback = 'Untitled'): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[\s.]+/, '')
    .trim();
  const ext = cleaned.length > 120 ? (/\.[\p{L}\p{N}]{1,8}$/u.exec(cleaned)?.[0] ?? '') : '';
  return (cleaned.length > 120 ? `${cleaned.slice(0, 120 - ext.length).trim()}${ext}` : cleaned) || fallback;
}
