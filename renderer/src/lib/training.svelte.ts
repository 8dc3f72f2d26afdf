/**
 * The training panel's state: settings for the next run, the run's status and progress, the epoch
 * points (kept outside Svelte's proxies, with a version counter the plots watch, so ten updates a
 * second cost nothing to track), the latest views from the engine, and earlier runs for overlay.
 */
import type {
  Api,
  ApiEvent,
  DataChoice,
  EpochPoint,
  Project,
  RunRecord,
  StartPolicy,
  ExportFormat,
  ProviderInfo,
  TrainConfig,
  TrainingViews,
} from '../../../src-engine/protocol/api.ts';
import type { DataState } from './data.svelte.ts';
import { downloadBase64 } from './download.ts';
import { applySettings, settingsOf, timeLeft, type PastRun, type TrainSettings } from './train-settings.ts';

export type { PastRun, TrainSettings } from './train-settings.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done';

export class TrainingState {
  settings = $state<TrainSettings>(
    settingsOf({
      epochs: 100,
      batchSize: 32,
      optimizer: { name: 'adam', lr: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999 },
      schedule: { kind: 'constant' },
      seed: 1,
      l1: 0,
      l2: 0,
      clipNorm: 0,
      validationSplit: 0,
      backend: 'auto',
    } as TrainConfig),
  );
  providers = $state.raw<ProviderInfo[]>([]);
  status = $state<RunStatus>('idle');
  runId = $state<string | null>(null);
  summary = $state('');
  error = $state<string | null>(null);
  message = $state<string | null>(null);
  /** Epoch points of the current run; not reactive itself: `version` changes when it grows. */
  points: EpochPoint[] = [];
  version = $state(0);
  /** Plot updates received (for the benchmark's update rate). */
  updates = 0;
  last = $state.raw<EpochPoint | null>(null);
  epochs = $state(0);
  batch = $state.raw<{ epoch: number; batch: number; batches: number; loss: number } | null>(null);
  samplesPerSec = $state(0);
  elapsedMs = $state(0);
  backendName = $state('');
  /** Why the run trains on its backend (the engine's sentence, e.g. what 'auto' picked and why). */
  backendReason = $state('');
  views = $state.raw<TrainingViews | null>(null);
  past = $state.raw<PastRun[]>([]);
  logScale = $state(false);
  exporting = $state(false);
  /** Whether a trained model is on screen (a finished, paused or reopened run): exports need one. */
  hasModel = $state(false);
  /** Called when the current run ends (the session records it in the project). */
  ondone: (() => void) | null = null;
  /** The graph (as JSON) the current run trains, to notice edits made while it is paused. */
  trainedGraph = $state<string | null>(null);

  constructor(
    private readonly api: Api,
    private readonly data: DataState,
  ) {}

  async start(): Promise<void> {
    try {
      this.providers = await this.api.listProviders({});
    } catch {
      this.providers = [];
    }
  }

  /** Take a project's training config into the panel. */
  load(c: TrainConfig, runs: readonly RunRecord[] = []): void {
    this.settings = settingsOf(c);
    // Another project: its runs are not this one's to compare with.
    if (this.status === 'running' || this.status === 'paused') this.control('stop');
    this.status = 'idle';
    this.runId = null;
    this.points = [];
    this.past = runs
      .slice(-4)
      .map((r, i) => ({ id: r.id, label: `saved run ${i + 1}`, points: r.epochs as unknown as EpochPoint[] }));
    this.last = null;
    this.batch = null;
    this.views = null;
    this.summary = '';
    this.error = null;
    this.message = null;
    this.hasModel = false;
    this.version++;
  }

  get progress(): number {
    if (!this.epochs) return 0;
    const b = this.batch;
    const within = b && b.epoch === this.points.length ? (b.batch + 1) / b.batches : 0;
    return Math.min(1, (this.points.length + within) / this.epochs);
  }

  get secondsLeft(): number | null {
    return timeLeft(this.progress * this.epochs, this.epochs, this.elapsedMs);
  }

  /**
   * Start a run of the project with the panel's settings: from its learned weights ('continue', where
   * shapes still match) or from the seed ('fresh'). A failed start changes nothing on screen.
   */
  async run(project: Project, start: StartPolicy): Promise<void> {
    const data = this.data.choice();
    if (typeof data === 'string') {
      this.error = data;
      return;
    }
    this.error = null;
    this.message = null;
    const before = this.status;
    this.status = 'starting';
    try {
      const training = applySettings(project.training, this.settings);
      const r = await this.api.trainStart({
        project: { ...project, training },
        data,
        start,
        ep: this.settings.backend === 'ort' ? this.settings.ep : null,
      });
      // Started: the previous run becomes an overlay, this one's points start empty.
      if (this.points.length && this.runId)
        this.past = [...this.past, { id: this.runId, label: `run ${this.past.length + 1}`, points: this.points }].slice(
          -4,
        );
      this.points = [];
      this.version++;
      this.last = null;
      this.batch = null;
      this.runId = r.runId;
      this.trainedGraph = JSON.stringify(project.graph);
      this.summary = r.summary;
      this.hasModel = true;
      if (start === 'continue')
        this.message =
          r.kept === r.total
            ? `Continued from the learned weights (all ${r.total} parameters).`
            : `Continued from the learned weights of ${r.kept} of ${r.total} parameters whose shapes still match; the others start fresh.`;
      if (this.status === 'starting') this.status = 'running';
    } catch (e) {
      this.status = before === 'starting' ? 'idle' : before;
      this.error = (e as Error).message;
    }
  }

  /**
   * Show an opened project's own model: its last run's curve, its views (when the data is chosen) and
   * its exports, without training. A project without weights shows nothing.
   */
  async restore(project: Project, data: DataChoice | null): Promise<void> {
    try {
      const r = await this.api.restoreRun({ project, data });
      this.hasModel = !!project.weights;
      this.views = r.views;
      const last = project.runs.at(-1);
      this.points = last && project.weights ? (last.epochs as unknown as EpochPoint[]) : [];
      this.last = this.points.at(-1) ?? null;
      this.epochs = this.points.length;
      this.runId = last && project.weights ? last.id : null;
      this.status = project.weights ? 'done' : 'idle';
      if (r.note) this.message = r.note;
      this.version++;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Show the decision boundary over two other features (the engine recomputes the views). */
  async setPlaneFeatures(features: [number, number]): Promise<void> {
    await this.viewOptions({ features });
  }

  /** Show another layer (or method) in the 3-D view. */
  async setSpace(nodeId: string, method: 'exact' | 'first3' | 'pca'): Promise<void> {
    await this.viewOptions({ space: { nodeId, method } });
  }

  private async viewOptions(req: Parameters<Api['viewOptions']>[0]): Promise<void> {
    try {
      const v = await this.api.viewOptions(req);
      if (v) this.views = v;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  control(action: 'pause' | 'resume' | 'stop' | 'step'): void {
    void this.api.trainControl({ action }).catch((e: Error) => (this.error = e.message));
  }

  /** Handle an engine event; true when it was a training event. */
  handle(e: ApiEvent): boolean {
    if (e.type === 'train-progress') {
      if (e.runId !== this.runId && this.status !== 'starting') return true;
      for (const p of e.points) this.points.push(p);
      if (e.points.length) this.last = e.points.at(-1)!;
      this.epochs = e.epochs;
      this.batch = e.batch;
      this.samplesPerSec = e.samplesPerSec;
      this.elapsedMs = e.elapsedMs;
      this.updates++;
      this.version++;
      return true;
    }
    if (e.type === 'train-views') {
      if (e.runId !== this.runId && this.status !== 'starting') return true;
      // The engine refreshes the evaluation less often than the plots: keep the last one meanwhile.
      const keep = !e.views.evaluation && this.views?.evaluation;
      this.views = keep ? { ...e.views, evaluation: this.views!.evaluation! } : e.views;
      return true;
    }
    if (e.type !== 'train') return false;
    const t = e.event;
    if (t.type === 'start') {
      this.runId = e.runId;
      this.hasModel = true;
      this.epochs = t.epochs;
      this.backendName = t.backend;
      this.backendReason = t.backendReason ?? '';
      this.status = 'running';
    } else if (t.type === 'paused') this.status = 'paused';
    else if (t.type === 'resumed') this.status = 'running';
    else if (t.type === 'diverged' || t.type === 'early_stop') this.message = t.message;
    else if (t.type === 'done' && e.runId === this.runId) {
      this.status = 'done';
      this.ondone?.();
    }
    return true;
  }

  /** Export the last run; the browser host hands back the bytes to download. */
  async export(format: ExportFormat): Promise<string | null> {
    this.exporting = true;
    try {
      const r = await this.api.exportModel({ format });
      if (r.status === 'download') {
        downloadBase64(r.fileName, r.base64, r.mime);
        return `Downloaded ${r.fileName}.`;
      }
      return r.status === 'saved' ? `Saved ${r.fileName}.` : null;
    } catch (e) {
      this.error = (e as Error).message;
      return null;
    } finally {
      this.exporting = false;
    }
  }
}
