/**
 * IPC wiring: one handler for the Api channel that checks the sender is our window's own page,
 * then validates and dispatches through the same code as the browser host (bad payloads get an
 * error reply, never a crash).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { ApiEvent, ApiMethods } from '../../src-engine/protocol/api.ts';
import { errorReply, type WireReply } from '../../src-engine/protocol/wire.ts';
import { dispatchCall } from '../../src-engine/node/host/dispatch.ts';
import { isAppUrl } from './protocol.ts';
import { API_CHANNEL, EVENT_CHANNEL } from '../channels.ts';

/** Whether an IPC message comes from the main frame of our window showing our own page. */
function trustedSender(event: IpcMainInvokeEvent, win: BrowserWindow): boolean {
  const frame = event.senderFrame;
  return event.sender === win.webContents && !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Serve the Api to one window; returns a function that stops serving. */
export function serveApi(win: BrowserWindow, handlers: ApiMethods): () => void {
  ipcMain.handle(API_CHANNEL, async (event, method: unknown, payload: unknown): Promise<WireReply> => {
    if (!trustedSender(event, win)) return errorReply(null, 'forbidden', 'This page may not use the Netwright Api.');
    return dispatchCall(handlers, null, method, payload);
  });
  return () => ipcMain.removeHandler(API_CHANNEL);
}

/** Push an event to the window's page. */
export function sendEvent(win: BrowserWindow, event: ApiEvent): void {
  if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
}
