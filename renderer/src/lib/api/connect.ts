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

/** The Api of whichever host serves this page. */
export async function connectApi(onClose: (reason: string) => void): Promise<Api> {
  if (window.netwright) return window.netwright;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return connectWebSocketApi(`ws://${location.host}/api?token=${encodeURIComponent(token)}`, onClose);
}
