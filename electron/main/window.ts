/** The editor window: sandboxed, context-isolated, no Node in the page, no navigation, no popups. */
import { BrowserWindow, dialog, shell } from 'electron';
import * as path from 'node:path';
import { externalUrlAllowed } from './policy.ts';
import { appUrl, isAppUrl } from './protocol.ts';

/** Create the main window and load the renderer. */
export function createWindow(preloadDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Netwright',
    webPreferences: {
      preload: path.join(preloadDir, 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const wc = win.webContents;
  // No navigation away from our page (a dropped file would otherwise replace it), and no popups.
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  wc.setWindowOpenHandler(({ url }) => {
    // Only links to a short list of documentation sites leave the app, in the user's browser.
    if (externalUrlAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
  // The page refuses to unload while its project has unsaved changes: ask before closing the window.
  wc.on('will-prevent-unload', (e) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Close Without Saving', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'The project has changes that are not saved.',
      detail: 'Close the window and lose them? (Netwright keeps a recovery copy, offered on the next start.)',
    });
    if (choice === 0) e.preventDefault();
  });
  void win.loadURL(appUrl());
  return win;
}
