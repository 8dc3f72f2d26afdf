/**
 * The renderer is served from app://netwright/ (a privileged standard scheme) rather than file://,
 * so it has a real origin, a strict Content-Security-Policy header, and cannot read other files.
 */
import { app, net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { staticTarget } from '../../src-engine/node/host/static-path.ts';
import { APP_ORIGIN, devRendererUrl, isAppUrl as isOwnUrl } from './policy.ts';
import { contentSecurityPolicy } from '../../src-engine/node/host/csp.ts';

export { APP_ORIGIN };
const devUrl = devRendererUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged);

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** The app's page may talk to its own origin only. */
export const CSP = contentSecurityPolicy("'self'");

/** Serve files of the built renderer folder under app://netwright/. */
export function handleAppScheme(rendererDir: string): void {
  protocol.handle('app', async (req) => {
    const url = URL.canParse(req.url) ? new URL(req.url) : null;
    if (!url || url.host !== 'netwright') return new Response('Forbidden', { status: 403 });
    const target = staticTarget(rendererDir, url.pathname);
    if (!target.ok) return new Response(target.status === 400 ? 'Bad request' : 'Forbidden', { status: target.status });
    let res: Response;
    try {
      res = await net.fetch(pathToFileURL(target.file).toString());
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
  return isOwnUrl(url, devUrl);
}
