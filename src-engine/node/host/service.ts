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

/** How a host reads and writes project files for the user. */
export interface FileAccess {
  kind: HostInfo['files'];
  /** Let the user pick a project file; null when they cancel, 'unsupported' without dialogs. */
  pickOpen(): Promise<{ fileName: string; text: string } | null | 'unsupported'>;
  /** Write validated project text (to the current file, or where the user picks). */
  save(text: string, opts: { saveAs: boolean; fileName: string | null; projectName: string }): Promise<SaveResult>;
  /** The project now shown has no file yet (new, or opened from an upload or a drop). */
  forget?(): void;
  /** Save an export (a save dialog, written atomically), or hand it to the page as a download. */
  saveExport(file: ExportFile): Promise<ExportResult>;
}

export interface HostDeps {
  kind: HostInfo['kind'];
  version: string;
  engine: Engine;
  recovery: RecoveryStore;
  files: FileAccess;
}

/** The file name a project is saved under. */
export const projectFileName = (name: string): string => `${safeFileName(name)}.netwright`;

/** Build the Api's request handlers from a host's parts: the engine's methods forwarded, the file ones here. */
export function createHandlers(d: HostDeps): ApiMethods {
  const open = async (fileName: string, text: string): Promise<OpenResult> => ({
    status: 'opened',
    project: await d.engine.readProject(text, fileName),
    fileName,
  });
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
      return open(picked.fileName, picked.text);
    },
    importProject: async ({ fileName, text }) => {
      const r = await open(fileName, text);
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
      if (result.status !== 'canceled') await d.recovery.clear();
      return result;
    },
    autosave: async ({ project, fileName }) => ({ savedAt: await d.recovery.write(project, fileName) }),
    getRecovery: async () => d.recovery.read((v) => d.engine.readProject(v, 'recovered project')),
    clearRecovery: async () => ({ cleared: await d.recovery.clear() }),
    exportModel: async ({ format }) => d.files.saveExport(await d.engine.exportFile(format)),
  };
}

/** File access for the browser host: no dialogs; saving returns the text as a download. */
export function downloadFiles(): FileAccess {
  return {
    kind: 'upload',
    pickOpen: async () => 'unsupported',
    save: async (text, { fileName, projectName }) => ({
      status: 'download',
      fileName: fileName ?? projectFileName(projectName),
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
