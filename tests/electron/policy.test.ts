/** Electron's window policy as pure functions: which links leave the app, which dev URL is honoured, no permissions. */
import { describe, expect, it } from 'vitest';
import { devRendererUrl, externalUrlAllowed, isAppUrl, permissionAllowed } from '../../electron/main/policy.ts';
import { staticTarget } from '../../src-engine/node/host/static-path.ts';

describe('Electron window policy', () => {
  it('opens only https links to the allow-listed sites in the browser', () => {
    expect(externalUrlAllowed('https://onnx.ai/onnx/operators/')).toBe(true);
    expect(externalUrlAllowed('https://docs.github.com/en')).toBe(true);
    expect(externalUrlAllowed('https://pytorch.org/docs/stable/nn.html#linear')).toBe(true);
    for (const url of [
      'http://onnx.ai/',
      'https://evil.example/',
      'https://onnx.ai.evil.example/',
      'https://evilonnx.ai/',
      'https://user:pw@github.com/',
      'https://github.com:8443/',
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'not a url',
      '',
    ])
      expect(externalUrlAllowed(url), url).toBe(false);
  });

  it('honours ELECTRON_RENDERER_URL only unpackaged, and only for a local http server', () => {
    expect(devRendererUrl('http://localhost:5173/', false)).toBe('http://localhost:5173/');
    expect(devRendererUrl('http://127.0.0.1:5173', false)).toBe('http://127.0.0.1:5173/');
    expect(devRendererUrl('http://localhost:5173/', true)).toBeNull();
    expect(devRendererUrl('https://evil.example/', false)).toBeNull();
    expect(devRendererUrl('file:///tmp/page.html', false)).toBeNull();
    expect(devRendererUrl('garbage', false)).toBeNull();
    expect(devRendererUrl(undefined, false)).toBeNull();
  });

  it('treats only app://netwright/ (and the dev server while developing) as our page', () => {
    expect(isAppUrl('app://netwright/index.html', null)).toBe(true);
    expect(isAppUrl('app://netwright.evil/index.html', null)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', null)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('::', 'http://localhost:5173/')).toBe(false);
  });

  it('grants no permission', () => {
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen'])
      expect(permissionAllowed(p)).toBe(false);
  });

  it('maps app:// paths into the renderer folder, refusing bad escapes and escapes from it', () => {
    expect(staticTarget('/r', '/')).toEqual({ ok: true, file: '/r/index.html' });
    expect(staticTarget('/r', '/assets/a%20b.js')).toEqual({ ok: true, file: '/r/assets/a b.js' });
    expect(staticTarget('/r', '/%')).toEqual({ ok: false, status: 400 });
    expect(staticTarget('/r', '/%c0%ae%c0%ae/')).toEqual({ ok: false, status: 400 });
    expect(staticTarget('/r', '/..%2f..%2fetc/passwd')).toEqual({ ok: false, status: 403 });
    expect(staticTarget('/r', '/a%00b')).toEqual({ ok: false, status: 403 });
  });
});
