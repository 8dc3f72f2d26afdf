/**
 * What the Electron window may load, open and be granted: pure functions (no Electron import), so
 * they are unit-tested where Electron cannot start. protocol.ts, window.ts and index.ts apply them.
 */

export const APP_ORIGIN = 'app://netwright';

/** Sites whose https links the page may open in the user's browser; anything else is dropped. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'onnx.ai',
  'onnxruntime.ai',
  'netron.app',
  'pytorch.org',
  'github.com',
  'developer.mozilla.org',
];

/**
 * The Vite dev server's URL during `npm run dev`: only in an unpackaged app, and only a plain
 * http URL on this machine. A packaged build never loads a page named by the environment.
 */
export function devRendererUrl(value: string | undefined, isPackaged: boolean): string | null {
  if (isPackaged || !value) return null;
  try {
    const u = new URL(value);
    const local = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
    return u.protocol === 'http:' && local && !u.username && !u.password ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Whether a URL is our own page (app://netwright/..., or the dev server's host during `npm run dev`). */
export function isAppUrl(url: string, devUrl: string | null): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true;
  if (!devUrl) return false;
  try {
    return new URL(url).host === new URL(devUrl).host;
  } catch {
    return false;
  }
}

/** Whether a link the page asks to open may go to the user's browser: https, no credentials, an allowed site. */
export function externalUrlAllowed(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
  const host = u.hostname.toLowerCase();
  return EXTERNAL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/** No permission (camera, microphone, notifications, clipboard reads, ...) is ever granted to the page. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
