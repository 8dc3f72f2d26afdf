/**
 * Find the Api: Electron's preload exposes it as `window.netwright`; otherwise the page was served by
 * the browser host and the Api is on its WebSocket, with the token from the page URL.
 */
import type { Api } from '../../../../src-engine/protocol/api.ts';
import { connectWebSocketApi } from './ws-client.ts';

declare global {
  interface Window {
    netwright?: Api;
  }
}

const TOKEN_KEY = 'netwright.token';

/**
 * The browser host's token: read once from the page URL, then kept in this tab's sessionStorage and
 * removed from the address bar and history, so it is not shown, bookmarked or shared with the URL.
 */
export function takeToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The Api of whichever host serves this page. */
export async function connectApi(onClose: (reason: string) => void): Promise<Api> {
  if (window.netwright) return window.netwright;
  const token = takeToken();
  return connectWebSocketApi(`ws://${location.host}/api?token=${encodeURIComponent(token)}`, onClose);
}
