/**
 * The one typed Api between the renderer and its host (Electron main process or the browser host).
 * Every request takes one payload object and returns a promise; events arrive through onEvent.
 * The renderer never learns which host it talks to (see STYLE.md, "a host seam").
 */
import type { GraphDoc } from '../graph/document.ts';
import type { CheckpointJson, DatasetRef, Project, RunRecord, WeightsJson } from '../project/project.ts';
import type { StartPolicy } from '../train/session.ts';
import type { ProjectDiff } from '../lab/diff.ts';
import type { SweepResult, SweepSpace } from '../lab/sweep.ts';
import type { TrainConfig } from '../train/config.ts';
import type { Command } from './commands.ts';
import type { DatasetSummary } from '../data/summary.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { TrainEvent } from '../train/trainer.ts';
import type { HistorySnapshot } from '../views/history.ts';
export type { HistorySnapshot, SeriesSnapshot, ChartSeries } from '../views/history.ts';
import type {
  StepTrace,
  TrainingViews,
  EpochPoint,
  DataChoice,
  ExportFormat,
  ExportResult,
  ProviderInfo,
  BuiltinDatasetItem,
  DataShape,
  OpenOptions,
  ColumnType,
  ViewChoice,
  SampleSplit,
} from './training.ts';

export type * from './training.ts';
export type {
  CheckpointJson,
  DatasetSummary,
  TrainEvent,
  TrainConfig,
  Project,
  RunRecord,
  WeightsJson,
  DatasetRef,
  StartPolicy,
  ProjectDiff,
  SweepResult,
  SweepSpace,
};
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
  /**
   * The run so far (sent at most ~20 times a second): its bounded history of the chart's metrics
   * (CHART_SERIES, at most PROGRESS_POINTS buckets a series however long the run; replaces the last
   * one) and the newest epoch's own metrics (null before the first epoch ends).
   */
  | {
      type: 'train-progress';
      runId: string;
      history: HistorySnapshot;
      last: EpochPoint | null;
      epochs: number;
      samplesPerSec: number;
      elapsedMs: number;
      batch: { epoch: number; batch: number; batches: number; loss: number } | null;
    }
  /** A sweep's run started, moved on or ended. */
  | { type: 'sweep-progress'; sweepId: string; result: SweepResult }
  /** A checkpoint was kept at the end of this epoch (the timeline can show it). */
  | { type: 'train-checkpoint'; runId: string; epoch: number }
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
  /** Projects opened or saved lately, newest first. */
  listRecent(req: Empty): Promise<RecentFile[]>;
  /** Open a recent project (its file, or the copy the browser host keeps); a file that is gone is named in the error. */
  openRecent(req: { id: string }): Promise<OpenResult>;
  /** The built-in datasets with their parameters. */
  listDatasets(req: Empty): Promise<BuiltinDatasetItem[]>;
  /** ONNX Runtime execution providers and whether each is usable here (the TypeScript engine always is). */
  listProviders(req: Empty): Promise<ProviderInfo[]>;
  /** Start uploading a data file of `size` bytes: its chunks follow (uploadChunk), then openData. */
  uploadBegin(req: { fileName: string; size: number }): Promise<{ uploadId: string; chunkBytes: number }>;
  /** One chunk of an upload, base64, at most `chunkBytes` bytes, starting at `offset` (where the last one ended). */
  uploadChunk(req: { uploadId: string; offset: number; base64: string }): Promise<{ received: number }>;
  /** Drop an upload in progress (and its temp file). */
  uploadCancel(req: { uploadId: string }): Promise<{ canceled: boolean }>;
  /** Load a complete upload in the engine; returns its id and summary (with `target` when given). */
  openData(
    req: { uploadId: string; target: string | null } & OpenOptions,
  ): Promise<{ dataId: string; summary: DatasetSummary }>;
  /** Release an opened data file's table in the engine (when the page opens another or is done with it). */
  closeData(req: { dataId: string }): Promise<{ closed: boolean }>;
  /** Summarise an opened data file again for another target column. */
  summarizeData(req: {
    dataId: string;
    target: string | null;
    columnTypes?: Record<string, ColumnType>;
  }): Promise<DatasetSummary>;
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
    /**
     * Fork from the project's checkpoint at this epoch: with unchanged settings the run replays
     * exactly; with others (learning rate, optimizer, epochs) it continues from the checkpoint's
     * weights and state; after graph edits, from its weights wherever shapes still match.
     */
    from?: number | null;
  }): Promise<{
    runId: string;
    summary: string;
    kept: number;
    total: number;
    /** How the run started, for the status line (a fork, or weights continued); null for a fresh start. */
    message: string | null;
  }>;
  /**
   * Show a project's own trained model (after opening or recovering it): its weights and last run
   * become the model on screen, so views (with `data`) and every export work without training.
   */
  restoreRun(req: {
    project: Project;
    data: DataChoice | null;
    /** Show the model at this checkpoint's epoch instead of the project's final weights (the timeline). */
    epoch?: number | null;
  }): Promise<{ views: TrainingViews | null; note: string | null }>;
  /**
   * The views of a project's own trained model on the data (a run kept from a sweep, another project
   * file), to compare runs side by side; the model on screen does not change. Null with a note where
   * the project has no weights or the data does not fit its network.
   */
  runViews(req: {
    project: Project;
    data: DataChoice | null;
  }): Promise<{ views: TrainingViews | null; note: string | null }>;
  /** Pause, resume, stop, or run one mini-batch of the current run. */
  trainControl(req: { action: 'pause' | 'resume' | 'stop' | 'step' }): Promise<{ ok: boolean }>;
  /**
   * Choose the decision boundary's two input features (a slice when there are more), the 3-D view's
   * layer and method, the row whose feature maps and saliency the image views show, the regression
   * curve's feature and the projection's layer; recomputes the views now.
   */
  viewOptions(req: ViewChoice): Promise<TrainingViews | null>;
  /** The model on screen's weights, run record (config, metrics per epoch) and fitted preprocessing, for the project; null when there is none. */
  lastRun(req: Empty): Promise<{
    weights: WeightsJson;
    run: RunRecord;
    /** The run's settings as the typed document the project keeps (the record holds them as plain data). */
    training: TrainConfig;
    /** The fitted preprocessing the run's model expects (null: the data needed none). */
    preprocessing: Preprocessing | null;
    checkpoints: CheckpointJson[];
  } | null>;
  /** Export the model on screen: a file the host saves (dialog) or the page downloads. */
  exportModel(req: { format: ExportFormat }): Promise<ExportResult>;
  /**
   * Turn an .onnx file (Netwright's own export, or a network from another tool such as
   * torch.onnx.export) into a new project with its weights.
   */
  importOnnx(req: { fileName: string; base64: string }): Promise<{ project: Project; notes: string[] }>;
  /**
   * One training step of the project with every number kept (the learning lab's step-through and
   * sample trace): `rows` of the training data (at most 256; of the validation or test rows with
   * `split`), or the first mini-batch its run would draw. Weights: the model on screen when it is this
   * graph's, else the project's, else the seed's. Nothing is trained.
   */
  traceStep(req: {
    project: Project;
    data: DataChoice;
    rows: number[] | null;
    split?: SampleSplit;
  }): Promise<StepTrace>;
  /** What differs between two projects or runs: settings by config key, architecture, metrics, weights. */
  diffProjects(req: { a: Project; b: Project }): Promise<ProjectDiff>;
  /**
   * A small sweep in the background: every combination (grid) or a seeded random sample of learning
   * rates, batch sizes, hidden widths and seeds, each trained as its own run; results arrive as
   * sweep-progress events.
   */
  sweepStart(req: {
    project: Project;
    data: DataChoice;
    space: SweepSpace;
    mode: 'grid' | 'random';
    count: number;
  }): Promise<{ sweepId: string; runs: number }>;
  sweepStop(req: { sweepId: string }): Promise<{ ok: boolean }>;
  /** A finished run of a sweep as a project (to open, fork or compare). */
  sweepResult(req: { sweepId: string; index: number }): Promise<Project>;
}

/** The methods the engine answers itself (the hosts forward them, adding only their own file bookkeeping). */
export const ENGINE_METHODS = [
  'listTemplates',
  'newProject',
  'listDatasets',
  'listProviders',
  'uploadBegin',
  'uploadChunk',
  'uploadCancel',
  'openData',
  'closeData',
  'summarizeData',
  'dataShape',
  'trainStart',
  'trainControl',
  'restoreRun',
  'runViews',
  'viewOptions',
  'lastRun',
  'importOnnx',
  'traceStep',
  'diffProjects',
  'sweepStart',
  'sweepStop',
  'sweepResult',
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
  'listRecent',
  'openRecent',
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
  const api: Partial<Record<ApiMethod, (req: never) => Promise<unknown>>> = {};
  for (const m of API_METHODS) api[m] = (req: unknown) => call(m, req);
  return api as ApiMethods;
}

export type ApiMethod = keyof ApiMethods;
export type RequestOf<K extends ApiMethod> = Parameters<ApiMethods[K]>[0];
export type ResultOf<K extends ApiMethod> = Awaited<ReturnType<ApiMethods[K]>>;

/** The full Api: the request methods plus an event subscription (returns an unsubscribe function). */
export interface Api extends ApiMethods {
  onEvent(cb: (event: ApiEvent) => void): () => void;
}

export type ApiErrorCode =
  | 'bad-request'
  | 'unknown-method'
  | 'invalid-project'
  /** A data file that cannot be used as it is (the message names file, row and column). */
  | 'bad-data'
  /** Beyond a limit (cells, decompressed size, parameters, upload size); the message names the setting that raises it. */
  | 'too-large'
  /** The engine stopped (out of memory, say) while working on the request, and was restarted. */
  | 'engine-restarted'
  | 'unsupported'
  | 'forbidden'
  | 'internal';

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
