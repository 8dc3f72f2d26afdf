/**
 * The one typed Api between the renderer and its host (Electron main process or the browser host).
 * Every request takes one payload object and returns a promise; events arrive through onEvent.
 * The renderer never learns which host it talks to (see STYLE.md, "a host seam").
 */
import type { GraphDoc } from '../graph/document.ts';
import type { DatasetRef, Project, RunRecord, WeightsJson } from '../project/project.ts';
import type { StartPolicy } from '../train/session.ts';
import type { TrainConfig } from '../train/config.ts';
import type { DatasetSummary } from '../data/summary.ts';
import type { TrainEvent } from '../train/trainer.ts';
import type {
  TrainingViews,
  EpochPoint,
  DataChoice,
  ExportFormat,
  ExportResult,
  ProviderInfo,
  BuiltinDatasetItem,
  DataShape,
} from './training.ts';

export type * from './training.ts';
export type { DatasetSummary, TrainEvent, TrainConfig, Project, RunRecord, WeightsJson, DatasetRef, StartPolicy };
export type { GraphDoc } from '../graph/document.ts';

/** What the renderer may ask to know about its host. */
export interface HostInfo {
  kind: 'electron' | 'browser';
  version: string;
  /** 'native': open/save use the host's dialogs; 'upload': the page picks files and downloads them. */
  files: 'native' | 'upload';
}

/** A starting network from the engine's template gallery. */
export interface TemplateInfo {
  id: string;
  name: string;
  description: string;
  graph: GraphDoc;
  training: TrainConfig;
  dataset: DatasetRef;
}

export type OpenResult =
  | { status: 'opened'; project: Project; fileName: string }
  | { status: 'canceled' }
  /** The host has no file dialog (browser host): the page offers an upload instead. */
  | { status: 'unsupported' };

export type SaveResult =
  | { status: 'saved'; fileName: string }
  | { status: 'canceled' }
  /** Browser host: the validated project text for the page to offer as a download. */
  | { status: 'download'; fileName: string; text: string };

export interface Recovery {
  project: Project;
  savedAt: string;
  fileName: string | null;
}

/** Commands the host can send (application menu, keyboard accelerators). */
export const COMMANDS = [
  'new',
  'open',
  'importOnnx',
  'save',
  'saveAs',
  'templates',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'delete',
  'selectAll',
  'layout',
  'zoomIn',
  'zoomOut',
  'fit',
  'toggleTheme',
  'train',
  'pauseResume',
  'stopTraining',
  'exportOnnx',
  'exportTrainOnnx',
  'exportWeights',
  'exportPytorch',
  'exportMetrics',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Everything a host pushes to the renderer. */
export type ApiEvent =
  | { type: 'command'; command: Command }
  /** A trainer event other than 'epoch' and 'batch' (start, paused, resumed, diverged, early_stop, done). */
  | { type: 'train'; runId: string; event: TrainEvent }
  /** Epochs finished since the last progress event (sent at most ~20 times a second). */
  | {
      type: 'train-progress';
      runId: string;
      points: EpochPoint[];
      epochs: number;
      samplesPerSec: number;
      elapsedMs: number;
      batch: { epoch: number; batch: number; batches: number; loss: number } | null;
    }
  /** Views computed in the engine between epochs (throttled). */
  | { type: 'train-views'; runId: string; views: TrainingViews }
  | { type: 'project-opened'; project: Project; fileName: string }
  | { type: 'error'; message: string };

export interface Empty {
  [key: string]: never;
}

/** The request methods: payload in, result out. */
export interface ApiMethods {
  hostInfo(req: Empty): Promise<HostInfo>;
  listTemplates(req: Empty): Promise<TemplateInfo[]>;
  /** A new project, blank (templateId null) or from a template. */
  newProject(req: { templateId: string | null }): Promise<Project>;
  /** Show the host's open dialog (Electron); the browser host answers 'unsupported'. */
  openProject(req: Empty): Promise<OpenResult>;
  /** Open a project from its text, as uploaded or dropped onto the window; migrates old versions. */
  importProject(req: { fileName: string; text: string }): Promise<OpenResult>;
  /** Save a project: to its file (atomically) or through a Save As dialog, or as a download. */
  saveProject(req: { project: Project; saveAs: boolean; fileName: string | null }): Promise<SaveResult>;
  /** Keep a recovery copy of unsaved work (written atomically). */
  autosave(req: { project: Project; fileName: string | null }): Promise<{ savedAt: string }>;
  /** The recovery copy left by a session that did not save, if any. */
  getRecovery(req: Empty): Promise<Recovery | null>;
  clearRecovery(req: Empty): Promise<{ cleared: boolean }>;
  /** The built-in datasets with their parameters. */
  listDatasets(req: Empty): Promise<BuiltinDatasetItem[]>;
  /** ONNX Runtime execution providers and whether each is usable here (the TypeScript engine always is). */
  listProviders(req: Empty): Promise<ProviderInfo[]>;
  /** Load an uploaded data file (base64) in the engine; returns its id and summary (with `target` when given). */
  openData(req: {
    fileName: string;
    base64: string;
    target: string | null;
  }): Promise<{ dataId: string; summary: DatasetSummary }>;
  /** Summarise an opened data file again for another target column. */
  summarizeData(req: { dataId: string; target: string | null }): Promise<DatasetSummary>;
  /** The shape the data takes after preprocessing, so the page can fit the Input and Output layers to it. */
  dataShape(req: { data: DataChoice }): Promise<DataShape>;
  /**
   * Start training the project's graph with its settings on the chosen data; progress arrives as
   * events. 'continue' starts from the newest weights of this project (a paused run's, or its saved
   * ones) wherever name and shape still match (`kept` of `total`); 'fresh' draws them from the seed.
   * A failed start changes nothing: the model on screen, its views and exports stay.
   */
  trainStart(req: {
    project: Project;
    data: DataChoice;
    start: StartPolicy;
    ep: string | null;
  }): Promise<{ runId: string; summary: string; kept: number; total: number }>;
  /**
   * Show a project's own trained model (after opening or recovering it): its weights and last run
   * become the model on screen, so views (with `data`) and every export work without training.
   */
  restoreRun(req: {
    project: Project;
    data: DataChoice | null;
  }): Promise<{ views: TrainingViews | null; note: string | null }>;
  /** Pause, resume, stop, or run one mini-batch of the current run. */
  trainControl(req: { action: 'pause' | 'resume' | 'stop' | 'step' }): Promise<{ ok: boolean }>;
  /**
   * Choose the decision boundary's two input features (a slice when there are more), the 3-D view's
   * layer and method, and the row whose feature maps and saliency the image views show; recomputes the views now.
   */
  viewOptions(req: {
    features?: [number, number];
    space?: { nodeId: string; method: 'exact' | 'first3' | 'pca' };
    sample?: number;
  }): Promise<TrainingViews | null>;
  /** The model on screen's weights, run record (config, metrics per epoch) and fitted preprocessing, for the project; null when there is none. */
  lastRun(req: Empty): Promise<{ weights: WeightsJson; run: RunRecord; preprocessing: unknown } | null>;
  /** Export the model on screen: a file the host saves (dialog) or the page downloads. */
  exportModel(req: { format: ExportFormat }): Promise<ExportResult>;
  /**
   * Turn an .onnx file (Netwright's own export, or a network from another tool such as
   * torch.onnx.export) into a new project with its weights.
   */
  importOnnx(req: { fileName: string; base64: string }): Promise<{ project: Project; notes: string[] }>;
}

/** The methods the engine answers itself (the hosts forward them, adding only their own file bookkeeping). */
export const ENGINE_METHODS = [
  'listTemplates',
  'newProject',
  'listDatasets',
  'listProviders',
  'openData',
  'summarizeData',
  'dataShape',
  'trainStart',
  'trainControl',
  'restoreRun',
  'viewOptions',
  'lastRun',
  'importOnnx',
] as const satisfies readonly (keyof ApiMethods)[];

/** The methods each host answers with its own files, dialogs and recovery store. */
export const HOST_METHODS = [
  'hostInfo',
  'openProject',
  'importProject',
  'saveProject',
  'autosave',
  'getRecovery',
  'clearRecovery',
  'exportModel',
] as const satisfies readonly (keyof ApiMethods)[];

/** Every request method, once: the preload, the WebSocket client and the schemas are built from it. */
export const API_METHODS = [...HOST_METHODS, ...ENGINE_METHODS] as const;
export type EngineMethod = (typeof ENGINE_METHODS)[number];

// Every method of ApiMethods is listed in API_METHODS (a compile error names the one missing).
const _allListed: Record<Exclude<keyof ApiMethods, (typeof API_METHODS)[number]>, never> = {};
void _allListed;

/** An Api whose every method sends (method, payload) through `call` (the preload's IPC, the page's WebSocket). */
export function apiOver(call: (method: ApiMethod, payload: unknown) => Promise<unknown>): ApiMethods {
  return Object.fromEntries(API_METHODS.map((m) => [m, (req: unknown) => call(m, req)])) as unknown as ApiMethods;
}

export type ApiMethod = keyof ApiMethods;
export type RequestOf<K extends ApiMethod> = Parameters<ApiMethods[K]>[0];
export type ResultOf<K extends ApiMethod> = Awaited<ReturnType<ApiMethods[K]>>;

/** The full Api: the request methods plus an event subscription (returns an unsubscribe function). */
export interface Api extends ApiMethods {
  onEvent(cb: (event: ApiEvent) => void): () => void;
}

export type ApiErrorCode =
  'bad-request' | 'unknown-method' | 'invalid-project' | 'unsupported' | 'forbidden' | 'internal';

/** An error reply from the host, with a code and a sentence for the user. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
