/**
 * Electron main process: lifecycle and wiring only. The engine runs in a worker thread; the Api's
 * handlers are the browser host's, with native dialogs for files.
 */
import { app, BrowserWindow, session } from 'electron';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeStaleTemps } from '../../src-engine/node/atomic-write.ts';
import { workerEngine } from '../../src-engine/node/worker/engine-client.ts';
import { RecoveryStore } from '../../src-engine/node/host/recovery.ts';
import { RecentStore } from '../../src-engine/node/host/recent.ts';
import { createHandlers } from '../../src-engine/node/host/service.ts';
import { nativeFiles } from './files.ts';
import { installMenu } from './menu.ts';
import { sendEvent, serveApi } from './ipc.ts';
import { permissionAllowed } from './policy.ts';
import { handleAppScheme, isAppUrl, registerAppScheme } from './protocol.ts';
import { createWindow } from './window.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let files: ReturnType<typeof nativeFiles> | null = null;
const engine = workerEngine(path.join(here, 'engine-worker.js'));
/** A project file named on the command line or by the OS before the window was ready. */
let pendingFile: string | null =
  process.argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.netwright')) ?? null;

function open(): void {
  win = createWindow(path.join(here, '../preload'));
  const w = win;
  files = nativeFiles(w);
  const stop = serveApi(
    w,
    createHandlers({
      kind: 'electron',
      version: app.getVersion(),
      engine,
      recovery: new RecoveryStore(app.getPath('userData')),
      recent: new RecentStore(app.getPath('userData')),
      files,
    }),
  );
  w.webContents.once('did-finish-load', () => {
    if (pendingFile) void openFile(pendingFile);
    pendingFile = null;
  });
  w.on('closed', () => {
    stop();
    win = null;
  });
}

/** Open a file the OS handed us and show it in the window. */
async function openFile(file: string): Promise<void> {
  if (!win || !files) {
    pendingFile = file;
    return;
  }
  try {
    const { fileName, text } = await files.read(file);
    sendEvent(win, { type: 'project-opened', project: await engine.readProject(text, fileName), fileName });
  } catch (e) {
    sendEvent(win, { type: 'error', message: (e as Error).message });
  }
}

app.on('open-file', (event, file) => {
  event.preventDefault();
  void openFile(file);
});

app.whenReady().then(() => {
  // Temp files of saves a crash cut short are removed now, not left to pile up.
  void removeStaleTemps(app.getPath('userData'));
  // No permission (camera, notifications, ...) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, perm, cb) => cb(permissionAllowed(perm)));
  session.defaultSession.setPermissionCheckHandler((_wc, perm) => permissionAllowed(perm));
  // No remote content: the page is app:// only (the dev server is allowed during `npm run dev`).
  session.defaultSession.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, cb) => cb({ cancel: !isAppUrl(details.url) }),
  );
  handleAppScheme(path.join(here, '../renderer'));
  installMenu((command) => win && sendEvent(win, { type: 'command', command }), !app.isPackaged);
  engine.onEvent((e) => win && sendEvent(win, e));
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
});

app.on('second-instance', (_event, argv) => {
  const file = argv.find((a) => a.endsWith('.netwright'));
  if (file) void openFile(file);
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => void engine.close());
