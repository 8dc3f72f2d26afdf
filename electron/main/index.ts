/**
 * Electron main process: lifecycle and wiring only. The engine runs in a worker thread; the Api's
 * handlers are the browser host's, with native dialogs for files.
 */
import { app, BrowserWindow, session } from 'electron';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEngine } from '../../src-engine/node/worker/engine-client.ts';
import { RecoveryStore } from '../../src-engine/node/host/recovery.ts';
import { createHandlers } from '../../src-engine/node/host/service.ts';
import { nativeFiles } from './files.ts';
import { installMenu } from './menu.ts';
import { sendEvent, serveApi } from './ipc.ts';
import { handleAppScheme, registerAppScheme } from './protocol.ts';
import { createWindow } from './window.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
const engine = workerEngine(path.join(here, 'engine-worker.js'));

function open(): void {
  win = createWindow(path.join(here, '../preload'));
  const w = win;
  const stop = serveApi(
    w,
    createHandlers({ kind: 'electron', version: app.getVersion(), engine, recovery: new RecoveryStore(app.getPath('userData')), files: nativeFiles(w) }),
  );
  w.on('closed', () => {
    stop();
    win = null;
  });
}

app.whenReady().then(() => {
  // No permission (camera, notifications, ...) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  handleAppScheme(path.join(here, '../renderer'));
  installMenu((command) => win && sendEvent(win, { type: 'command', command }), !app.isPackaged);
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
});

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => void engine.close());
