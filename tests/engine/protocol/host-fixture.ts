/** Start a browser host in-process (engine inline, throwaway folders) and connect WebSocket clients to it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import type { Engine } from '../../../src-engine/node/worker/engine-client.ts';
import { inlineEngine } from '../../../src-engine/node/worker/engine-inline.ts';
import { RecoveryStore } from '../../../src-engine/node/host/recovery.ts';
import { RecentStore } from '../../../src-engine/node/host/recent.ts';
import { createHandlers, downloadFiles } from '../../../src-engine/node/host/service.ts';
import { startBrowserHost, type BrowserHost } from '../../../src-engine/node/host/server.ts';

/** A host with the inline engine, or with `engine` (a worker engine, say). */
export async function startTestHost(given?: Engine): Promise<{ host: BrowserHost; dataDir: string }> {
  const rendererDir = mkdtempSync(path.join(tmpdir(), 'netwright-renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Netwright</title>');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netwright-data-'));
  const engine = given ?? inlineEngine();
  const handlers = createHandlers({
    kind: 'browser',
    version: 'test',
    engine,
    recovery: new RecoveryStore(dataDir),
    recent: new RecentStore(dataDir),
    files: downloadFiles(),
  });
  const host = await startBrowserHost({ handlers, rendererDir });
  // As in the app (src-engine/node/host/cli.ts): engine events go to every connected page.
  engine.onEvent((e) => host.emit(e));
  return { host, dataDir };
}

/** Open a socket to the host's Api; rejects when the host refuses it. */
export function openSocket(host: BrowserHost, opts: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${host.port}/api?token=${opts.token ?? host.token}`,
      opts.origin ? { origin: opts.origin } : {},
    );
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Send one request and wait for the reply with its id. */
export function request(
  ws: WebSocket,
  id: number,
  method: string,
  payload: unknown,
): Promise<{ id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if (m.id === id) {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, payload }));
  });
}
