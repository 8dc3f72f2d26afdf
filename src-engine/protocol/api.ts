/**
 * The one typed Api between the renderer and its host (Electron main process or the browser host).
 * Every request takes one payload object and returns a promise; events arrive through onEvent.
 * The renderer never learns which host it talks to (see STYLE.md, "a host seam").
 */
import type { GraphDoc } from '../graph/document.ts';
import type { DatasetRef, Project, RunRecord, WeightsJson } from '../project/project.ts';
import type { TrainConfig } from '../train/config.ts';
import type { Command } from './commands.ts';
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
export type { DatasetSummary, TrainEvent, TrainConfig };

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

/** A project opened or saved lately (File → Open Recent). */
export interface RecentFile {
  id: string;
  /** The project's name, as it was then. */
  name: string;
  fileName: string;
  /** When it was last opened or saved (ISO time). */
  at: string;
  /** Where the file is, for hosts with file paths (Electron); null: the host keeps a copy. */
  location: string | null;
}

export interface Recovery {
  project: Project;
  savedAt: string;
  fileName: string | null;
}

/** Commands the host can send (application menu): see commands.ts, the one table of commands and accelerators. */
export { COMMANDS } from './commands.ts';
export type { Command } from './commands.ts';

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
  /** Validate and save a project: to its file (atomically) or through a Save As dialog, or as a download. */
  saveProject(req: { project: Record<string, unknown>; saveAs: boolean; fileName: string | null }): Promise<SaveResult>;
  /** Keep a recovery copy of unsaved work (written atomically). */
  autosave(req: { project: Record<string, unknown>; fileName: string | null }): Promise<{ savedAt: string }>;
  /** The recovery copy left by a session that did not save, if any. */
  getRecovery(req: Empty): Promise<Recovery | null>;
  clearRecovery(req: Empty): Promise<{ cleared: boolean }>;
  /** Projects opened or saved lately, newest first. */
  listRecent(req: Empty): Promise<RecentFile[]>;
  /** Open a recent project (its file, or the copy the browser host keeps); a file that is gone is named in the error. */
  openRecent(req: { id: string }): Promise<OpenResult>;
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
  /** Start training a graph on data; progress arrives as events. Stops any run in progress. With keepWeights, parameters whose name and shape match the last run's start from its weights (`kept` counts them). */
  trainStart(req: {
    graph: Record<string, unknown>;
    training: Record<string, unknown>;
    data: DataChoice;
    name: string;
    ep: string | null;
    keepWeights?: boolean;
  }): Promise<{ runId: string; summary: string; kept: number }>;
  /** Pause, resume, stop, or run one mini-batch of the current run. */
  trainControl(req: { action: 'pause' | 'resume' | 'stop' | 'step' }): Promise<{ ok: boolean }>;
  /** Choose the decision boundary's two input features (a slice when there are more) and the 3-D view's layer and method; recomputes the views now. */
  viewOptions(req: {
    features?: [number, number];
    space?: { nodeId: string; method: 'exact' | 'first3' | 'pca' };
  }): Promise<TrainingViews | null>;
  /** The last run's weights, record (config, metrics per epoch) and fitted preprocessing, for the project; null before any run. */
  lastRun(req: Empty): Promise<{ weights: WeightsJson; run: RunRecord; preprocessing: unknown } | null>;
  /** Export the last trained model: a file the host saves (dialog) or the page downloads. */
  exportModel(req: { format: ExportFormat }): Promise<ExportResult>;
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
