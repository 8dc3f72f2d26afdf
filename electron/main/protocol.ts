/**
 * The renderer is served from app://netwright/ (a privileged standard scheme) rather than file://,
 * so it has a real origin, a strict Content-Security-Policy header, and cannot read other files.
 */
import { net, protocol } from 'electron';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const APP_ORIGIN = 'app://netwright';
const devUrl = process.env.ELECTRON_RENDERER_URL;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serve files of the built renderer folder under app://netwright/. */
export function handleAppScheme(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle('app', async (req) => {
    const url = new URL(req.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, '.' + rel);
    if (url.host !== 'netwright' || !file.startsWith(root + path.sep))
      return new Response('Forbidden', { status: 403 });
    let res: Response;
    try {
      res = await net.fetch(pathToFileURL(file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

/** The page's URL (the dev server's during `npm run dev`). */
export function appUrl(): string {
  return devUrl ?? `${APP_ORIGIN}/index.html`;
}

/** Whether a URL is our own page. */
export function isAppUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true;
  if (!devUrl) return false;
  // During `npm run dev`, the Vite dev server and its hot-reload socket on the same host.
  const dev = new URL(devUrl);
  try {
    return new URL(url).host === dev.host;
  } catch {
    return false;
  }
}
