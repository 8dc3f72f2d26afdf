/**
 * Native file access for the Electron host: open and save dialogs in the main process; the renderer
 * never names a path. The window's current file is remembered here for Save.
 */
import { dialog, type BrowserWindow } from 'electron';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src-engine/node/atomic-write.ts';
import { readProjectFile } from '../../src-engine/node/host/project-file.ts';
import { projectFileName, type FileAccess } from '../../src-engine/node/host/service.ts';

const FILTERS = [
  { name: 'Netwright project', extensions: ['netwright'] },
  { name: 'JSON', extensions: ['json'] },
];

/** Dialog-backed file access for one window. */
export function nativeFiles(
  win: BrowserWindow,
): FileAccess & { current(): string | null; read(file: string): Promise<{ fileName: string; text: string }> } {
  let current: string | null = null;
  return {
    kind: 'native',
    current: () => current,
    currentPath: () => current,
    useFile: (file) => {
      current = file;
    },
    forget: () => {
      current = null;
    },
    /** Read a file the OS asked us to open (double-click, command line); it becomes the current file. */
    async read(file) {
      const text = await readProjectFile(file);
      current = file;
      return { fileName: path.basename(file), text };
    },
    async pickOpen() {
      const r = await dialog.showOpenDialog(win, { title: 'Open project', properties: ['openFile'], filters: FILTERS });
      const file = r.filePaths[0];
      if (r.canceled || !file) return null;
      const text = await readProjectFile(file);
      current = file;
      return { fileName: path.basename(file), text };
    },
    async saveExport(file) {
      const ext = path.extname(file.fileName).slice(1) || '*';
      const r = await dialog.showSaveDialog(win, {
        title: 'Export',
        defaultPath: file.fileName,
        filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
      });
      if (r.canceled || !r.filePath) return { status: 'canceled' };
      await writeFileAtomic(r.filePath, file.data);
      return { status: 'saved', fileName: path.basename(r.filePath) };
    },
    async save(text, { saveAs, projectName }) {
      let file = saveAs ? null : current;
      if (!file) {
        // Save As proposes the project's (perhaps new) name, beside the current file.
        const proposed = current
          ? path.join(path.dirname(current), projectFileName(projectName))
          : projectFileName(projectName);
        const r = await dialog.showSaveDialog(win, {
          title: 'Save project',
          defaultPath: proposed,
          filters: FILTERS,
        });
        if (r.canceled || !r.filePath) return { status: 'canceled' };
        file =
          r.filePath.endsWith('.netwright') || r.filePath.endsWith('.json') ? r.filePath : `${r.filePath}.netwright`;
      }
      await writeFileAtomic(file, text);
      current = file;
      if (process.platform === 'darwin') win.setRepresentedFilename(file);
      return { status: 'saved', fileName: path.basename(file) };
    },
  };
}
