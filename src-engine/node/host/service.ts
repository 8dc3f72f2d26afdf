/**
 * The Api's request handlers, shared by the Electron main process and the browser host. Only file
 * access differs between them, so it is passed in (`FileAccess`): native dialogs, or uploads and
 * downloads. Engine work is delegated to the engine (a worker thread in the app).
 */
import {
  ENGINE_METHODS,
  type ApiMethods,
  type EngineMethod,
  type ExportResult,
  type HostInfo,
  type OpenResult,
  type SaveResult,
} from '../../protocol/api.ts';
import { safeFileName } from '../../protocol/file-name.ts';
import type { ExportFile } from '../../onnx/exports.ts';
import type { Engine } from '../worker/engine-client.ts';
import type { RecoveryStore } from './recovery.ts';
import type { RecentStore } from './recent.ts';

/** How a host reads and writes project files for the user. */
export interface FileAccess {
  kind: HostInfo['files'];
  /** Let the user pick a project file; null when they cancel, 'unsupported' without dialogs. */
  pickOpen(): Promise<{ fileName: string; text: string } | null | 'unsupported'>;
  /** Write validated project text (to the current file, or where the user picks). */
  save(text: string, opts: { saveAs: boolean; fileName: string | null; projectName: string }): Promise<SaveResult>;
  /** The project now shown has no file yet (new, or opened from an upload or a drop). */
  forget?(): void;
  /** Hosts with file paths (Electron): the file now shown, and making a reopened one current. */
  currentPath?(): string | null;
  useFile?(file: string): void;
  /** Save an export (a save dialog, written atomically), or hand it to the page as a download. */
  saveExport(file: ExportFile): Promise<ExportResult>;
}

export interface HostDeps {
  kind: HostInfo['kind'];
  version: string;
  engine: Engine;
  recovery: RecoveryStore;
  recent: RecentStore;
  files: FileAccess;
}

/** The file name a project is saved under. */
export const projectFileName = (name: string): string => `${safeFileName(name)}.netwright`;

/** Build the Api's request handlers from a host's parts: the engine's methods forwarded, the file ones here. */
export function createHandlers(d: HostDeps): ApiMethods {
  /** Read a project and put it at the top of the recent list (by its path, or as a copy of its text). */
  const open = async (fileName: string, text: string, file: string | null): Promise<OpenResult> => {
    const project = await d.engine.readProject(text, fileName);
    await d.recent.record({ name: project.name, fileName, path: file, text });
    return { status: 'opened', project, fileName };
  };
  const engine = Object.fromEntries(
    ENGINE_METHODS.map((m) => [m, (req: unknown) => (d.engine[m] as (r: unknown) => Promise<unknown>)(req)]),
  ) as Pick<ApiMethods, EngineMethod>;
  return {
    ...engine,
    hostInfo: async () => ({ kind: d.kind, version: d.version, files: d.files.kind }),
    newProject: async (req) => {
      const p = await d.engine.newProject(req);
      d.files.forget?.();
      return p;
    },
    openProject: async () => {
      const picked = await d.files.pickOpen();
      if (picked === 'unsupported') return { status: 'unsupported' };
      if (picked === null) return { status: 'canceled' };
      return open(picked.fileName, picked.text, d.files.currentPath?.() ?? null);
    },
    importProject: async ({ fileName, text }) => {
      const r = await open(fileName, text, null);
      d.files.forget?.();
      return r;
    },
    importOnnx: async (req) => {
      const r = await d.engine.importOnnx(req);
      d.files.forget?.();
      return r;
    },
    saveProject: async ({ project, saveAs, fileName }) => {
      const text = await d.engine.projectText(project, fileName ?? 'project');
      const result = await d.files.save(text, { saveAs, fileName, projectName: project.name });
      if (result.status === 'canceled') return result;
      await d.recovery.clear();
      await d.recent.record({
        name: project.name,
        fileName: result.fileName,
        path: d.files.currentPath?.() ?? null,
        text,
      });
      return result;
    },
    autosave: async ({ project, fileName }) => ({ savedAt: await d.recovery.write(project, fileName) }),
    getRecovery: async () => d.recovery.read((v) => d.engine.readProject(v, 'recovered project')),
    clearRecovery: async () => ({ cleared: await d.recovery.clear() }),
    exportModel: async ({ format }) => d.files.saveExport(await d.engine.exportFile(format)),
    listRecent: async () => d.recent.recent(),
    openRecent: async ({ id }) => {
      const r = await d.recent.read(id);
      const opened = await open(r.fileName, r.text, r.path);
      if (r.path) d.files.useFile?.(r.path);
      else d.files.forget?.();
      return opened;
    },
  };
}

/** File access for the browser host: no dialogs; saving returns the text as a download. */
export function downloadFiles(): FileAccess {
  return {
    kind: 'upload',
    pickOpen: async () => 'unsupported',
    // Save As proposes the project's name; Save keeps the file's.
    save: async (text, { saveAs, fileName, projectName }) => ({
      status: 'download',
      fileName: saveAs || !fileName ? projectFileName(projectName) : fileName,
      text,
    }),
    saveExport: async (file) => ({
      status: 'download',
      fileName: file.fileName,
      mime: file.mime,
      base64: Buffer.from(file.data).toString('base64'),
    }),
  };
}
