/**
 * The preload exposes the one typed Api to the sandboxed renderer and nothing else: each method is
 * an invoke on one channel, replies come back as { ok, result | error } and errors are rethrown here.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Api, ApiEvent, ApiMethod, RequestOf, ResultOf } from '../../src-engine/protocol/api.ts';
import type { WireReply } from '../../src-engine/protocol/wire.ts';

export const API_CHANNEL = 'netwright:api';
export const EVENT_CHANNEL = 'netwright:event';

async function call<K extends ApiMethod>(method: K, payload: RequestOf<K>): Promise<ResultOf<K>> {
  const reply = (await ipcRenderer.invoke(API_CHANNEL, method, payload)) as WireReply;
  if (reply.ok) return reply.result as ResultOf<K>;
  // Errors cross contextBridge as plain Errors; the code travels in the name.
  const e = new Error(reply.error.message);
  e.name = `ApiError:${reply.error.code}`;
  throw e;
}

const api = {
  hostInfo: (req) => call('hostInfo', req),
  listTemplates: (req) => call('listTemplates', req),
  newProject: (req) => call('newProject', req),
  openProject: (req) => call('openProject', req),
  importProject: (req) => call('importProject', req),
  saveProject: (req) => call('saveProject', req),
  autosave: (req) => call('autosave', req),
  getRecovery: (req) => call('getRecovery', req),
  clearRecovery: (req) => call('clearRecovery', req),
  listRecent: (req) => call('listRecent', req),
  openRecent: (req) => call('openRecent', req),
  listDatasets: (req) => call('listDatasets', req),
  listProviders: (req) => call('listProviders', req),
  openData: (req) => call('openData', req),
  summarizeData: (req) => call('summarizeData', req),
  dataShape: (req) => call('dataShape', req),
  trainStart: (req) => call('trainStart', req),
  trainControl: (req) => call('trainControl', req),
  viewOptions: (req) => call('viewOptions', req),
  lastRun: (req) => call('lastRun', req),
  exportModel: (req) => call('exportModel', req),
  onEvent(cb: (event: ApiEvent) => void) {
    const listener = (_e: unknown, event: ApiEvent) => cb(event);
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => ipcRenderer.off(EVENT_CHANNEL, listener);
  },
} satisfies Api;

contextBridge.exposeInMainWorld('netwright', api);
