/**
 * The Api's request handlers, shared by the Electron main process and the browser host. Only file
 * access differs between them, so it is passed in (`FileAccess`): native dialogs, or uploads and
 * downloads. Engine work is delegated to the engine (a worker thread in the app).
 */
import type { ApiMethods, ExportResult, HostInfo, OpenResult, SaveResult } from '../../protocol/api.ts';
import type { ExportFile } from '../worker/export-run.ts';
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

const safeName = (name: string) => `${name.replace(/[^\w .()-]+/g, '_').trim() || 'Untitled'}.netwright`;

/** Build the Api's request handlers from a host's parts. */
export function createHandlers(d: HostDeps): ApiMethods {
  const open = async (fileName: string, text: string): Promise<OpenResult> => ({
    status: 'opened',
    project: await d.engine.readProject(text, fileName),
    fileName,
  });
  return {
    hostInfo: async () => ({ kind: d.kind, version: d.version, files: d.files.kind }),
    listTemplates: async () => d.engine.templates(),
    newProject: async ({ templateId }) => {
      const p = await d.engine.newProject(templateId);
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
    saveProject: async ({ project, saveAs, fileName }) => {
      const text = await d.engine.projectText(project, fileName ?? 'project');
      const name = typeof project.name === 'string' ? project.name : 'Untitled';
      const result = await d.files.save(text, { saveAs, fileName, projectName: name });
      if (result.status !== 'canceled') await d.recovery.clear();
      return result;
    },
    autosave: async ({ project, fileName }) => {
      const p = await d.engine.readProject(project, fileName ?? 'project');
      return { savedAt: await d.recovery.write(p, fileName) };
    },
    getRecovery: async () => d.recovery.read((v) => d.engine.readProject(v, 'recovered project')),
    clearRecovery: async () => ({ cleared: await d.recovery.clear() }),
    listDatasets: async () => d.engine.datasets(),
    listProviders: async () => d.engine.providers(),
    uploadBegin: async ({ fileName, size }) => d.engine.uploadBegin(fileName, size),
    uploadChunk: async ({ uploadId, offset, base64 }) => d.engine.uploadChunk(uploadId, offset, base64),
    uploadCancel: async ({ uploadId }) => ({ canceled: await d.engine.uploadCancel(uploadId) }),
    openData: async ({ uploadId, target }) => d.engine.openData(uploadId, target),
    closeData: async ({ dataId }) => ({ closed: await d.engine.closeData(dataId) }),
    summarizeData: async ({ dataId, target }) => d.engine.summarizeData(dataId, target),
    dataShape: async ({ data }) => d.engine.dataShape(data),
    trainStart: async (req) => d.engine.trainStart(req),
    trainControl: async ({ action }) => d.engine.trainControl(action),
    viewOptions: async (req) => d.engine.viewOptions(req),
    lastRun: async () => d.engine.lastRun(),
    exportModel: async ({ format }) => d.files.saveExport(await d.engine.exportRun(format)),
  };
}

/** File access for the browser host: no dialogs; saving returns the text as a download. */
export function downloadFiles(): FileAccess {
  return {
    kind: 'upload',
    pickOpen: async () => 'unsupported',
    save: async (text, { fileName, projectName }) => ({
      status: 'download',
      fileName: fileName ?? safeName(projectName),
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

export { safeName };
