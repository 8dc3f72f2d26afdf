/**
 * The page's Content-Security-Policy, one for both hosts (Electron's app:// scheme and the browser
 * host): the app's own scripts and workers only (the 3-D view renders in a worker), inline styles
 * (Svelte's), images from data and blob URLs (PNG export), and `connect` for the Api's channel.
 */
export function contentSecurityPolicy(connect: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
