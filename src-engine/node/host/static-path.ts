/**
 * Where a request path points inside the built renderer folder. Shared by the browser host and
 * Electron's app:// scheme, so both refuse the same things: undecodable escapes (`/%`, `/%ff`) get
 * 400, paths that leave the folder (`/..%2f..`) or carry NUL bytes get 403. Never throws.
 */
import * as path from 'node:path';

export type StaticTarget = { ok: true; file: string } | { ok: false; status: 400 | 403 };

/** The file under `root` that the URL path `pathname` names (`/` is index.html). */
export function staticTarget(root: string, pathname: string): StaticTarget {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (rel.includes('\0')) return { ok: false, status: 403 };
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + rel);
  if (!file.startsWith(base + path.sep)) return { ok: false, status: 403 };
  return { ok: true, file };
}
