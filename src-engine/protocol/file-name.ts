/** The one rule for turning a project, dataset or run name into a file name. */

/**
 * A name safe as a file name on every system: letters, digits, spaces and `._()-` kept, anything else
 * replaced by `_`, no leading dots (no hidden files, no `..`), at most 120 characters; `fallback`
 * when nothing is left.
 */
export function safeFileName(name: string, fallback = 'Untitled'): string {
  const cleaned = name
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[\s.]+/, '')
    .trim()
    .slice(0, 120)
    .trim();
  return cleaned || fallback;
}
