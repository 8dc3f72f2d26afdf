/** The Api over the browser host's WebSocket: one JSON request per call, replies matched by id. */
import { ApiError, apiOver, type Api, type ApiEvent } from '../../../../src-engine/protocol/api.ts';
import type { WireEvent, WireReply } from '../../../../src-engine/protocol/wire.ts';

/** Connect to the browser host at `wsUrl` (which carries the token); resolves once open. */
export function connectWebSocketApi(wsUrl: string, onClose: (reason: string) => void): Promise<Api> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    const listeners = new Set<(e: ApiEvent) => void>();
    let next = 1;
    let opened = false;

    ws.onmessage = (msg) => {
      let data: WireReply | WireEvent;
      try {
        data = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if ('event' in data) {
        for (const l of listeners) l(data.event);
        return;
      }
      const p = data.id === null ? undefined : pending.get(data.id);
      if (!p) return;
      pending.delete(data.id!);
      if (data.ok) p.resolve(data.result);
      else p.reject(new ApiError(data.error.code, data.error.message));
    };
    ws.onclose = () => {
      const e = new ApiError(
        'internal',
        'The connection to the Netwright host was lost. Restart it and reload the page.',
      );
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      if (opened) onClose(e.message);
      else
        reject(
          new ApiError(
            'forbidden',
            'Could not connect to the Netwright host (is the URL, with its token, the one it printed?).',
          ),
        );
    };
    ws.onopen = () => {
      opened = true;
      const methods = apiOver(
        (method, payload) =>
          new Promise((res, rej) => {
            if (ws.readyState !== WebSocket.OPEN)
              return rej(new ApiError('internal', 'Not connected to the Netwright host.'));
            const id = next++;
            pending.set(id, { resolve: res, reject: rej });
            ws.send(JSON.stringify({ id, method, payload }));
          }),
      );
      resolve({
        ...methods,
        onEvent(cb) {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      });
    };
  });
}
