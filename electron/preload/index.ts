/**
 * The preload exposes the one typed Api to the sandboxed renderer and nothing else: each method is
 * an invoke on one channel, replies come back as { ok, result | error } and errors are rethrown here.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { apiOver, type Api, type ApiEvent, type ApiMethod } from '../../src-engine/protocol/api.ts';
import { API_CHANNEL, EVENT_CHANNEL } from '../channels.ts';
import type { WireReply } from '../../src-engine/protocol/wire.ts';

async function call(method: ApiMethod, payload: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(API_CHANNEL, method, payload)) as WireReply;
  if (reply.ok) return reply.result;
  // Errors cross contextBridge as plain Errors; the code travels in the name.
  const e = new Error(reply.error.message);
  e.name = `ApiError:${reply.error.code}`;
  throw e;
}

const api = {
  ...apiOver(call),
  onEvent(cb: (event: ApiEvent) => void) {
    const listener = (_e: unknown, event: ApiEvent) => cb(event);
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => ipcRenderer.off(EVENT_CHANNEL, listener);
  },
} satisfies Api;

contextBridge.exposeInMainWorld('netwright', api);
