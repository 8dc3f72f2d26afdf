/**
 * The training panel's state: settings for the next run (each typed field checked against the
 * engine's schema), the run's status and progress, the run's bounded metric history as the engine
 * last sent it (kept outside Svelte's proxies, with a version counter the plots watch, so ten updates
 * a second cost nothing to track) and its newest epoch, the latest views from the engine, and earlier
 * runs for overlay (compacted with the engine's MetricHistory). A start that fails keeps the last model's
 * views and exports; its message shows while the inputs it was about are unchanged.
 */
import type {
  Api,
  ApiEvent,
  DataChoice,
  DataShape,
  EpochPoint,
  ExportFormat,
  HistorySnapshot,
  Project,
  ProviderInfo,
  RunRecord,
  StartPolicy,
  TrainConfig,
  TrainingViews,
} from '../../../src-engine/protocol/api.ts';
import { makeTrainConfig, MetricHistory, OVERLAY_POINTS, PROGRESS_POINTS } from '../../../src-engine/protocol/index.ts';
import { downloadBase64 } from './download.ts';
import { checkTrainField, readableError, TRAIN_FIELDS, type TrainField } from './field-checks.ts';
import { overlaid, RUN_COLORS, settingsOf, timeLeft, type PastRun, type TrainSettings } from './train-settings.ts';

export type { PastRun, TrainSettings } from './train-settings.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopped' | 'done';

/** What a run was started with, to notice changes made while it is paused. */
interface Trained {
  graph: string;
  data: string;
  shape: DataShape | null;
}

/** The panel's settings before a project gives its own: the engine's defaults, with Adam at 0.01. */
const DEFAULTS: TrainConfig = makeTrainConfig({ epochs: 100, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } });

export const BACKEND_LABELS: Record<TrainSettings['backend'], string> = {
  auto: 'Auto',
  ts: 'TypeScript engine',
  ort: 'ONNX Runtime',
};

export class TrainingState {
  #settings = $state<TrainSettings>(settingsOf(DEFAULTS));
  /** Typed values that failed their check, with the sentence saying why (the setting keeps its last good value). */
  #drafts = $state.raw<Partial<Record<TrainField, { text: string; error: string }>>>({});
  #providers = $state.raw<ProviderInfo[]>([]);
  #status = $state<RunStatus>('idle');
  #runId = $state<string | null>(null);
  #summary = $state('');
  #message = $state<string | null>(null);
  #error = $state.raw<{ text: string; key: string } | null>(null);
  /** The current run's metric history (the engine's latest snapshot); not reactive itself: `version` changes with it. */
  #history: HistorySnapshot | null = null;
  #version = $state(0);
  /** Plot updates received (for the benchmark's update rate). */
  updates = 0;
  #last = $state.raw<EpochPoint | null>(null);
  #epochs = $state(0);
  #batch = $state.raw<{ epoch: number; batch: number; batches: number; loss: number } | null>(null);
  #samplesPerSec = $state(0);
  #elapsedMs = $state(0);
  #backendName = $state('');
  /** Why the run trains on its backend (the engine's sentence, e.g. what 'auto' picked and why). */
  #backendReason = $state('');
  #views = $state.raw<TrainingViews | null>(null);
  #past = $state.raw<PastRun[]>([]);
  /** Overlay earlier runs on other data too. */
  #otherData = $state(false);
  #runCount = 0;
  #previewing: Promise<void> | null = null;
  /**
   * Each request for the views of the model on screen (open, preview) takes the next ticket; an answer
   * is shown only while its ticket is the newest, so a slow earlier answer (the engine under load)
   * never replaces a later one.
   */
  #viewsTicket = 0;
  /** Requests for those views still on their way (the view says it is updating: aria-busy). */
  #pendingViews = $state(0);
  #logScale = $state(false);
  #exporting = $state(false);
  /** A run of this project has started, so its model can be exported (also after a failed start). */
  #hasModel = $state(false);
  #trained = $state.raw<Trained | null>(null);
  /** Called when the current run ends (the session records it in the project). */
  ondone: (() => void) | null = null;
  /** Asked before an earlier run is deleted (the session confirms and takes it out of the project); true to delete. */
  onrundelete: ((id: string, label: string) => Promise<boolean>) | null = null;

  /**
   * @param inputsKey the inputs of a run as a string (graph, data, settings): a failed start's
   *   message shows while it is unchanged.
   */
  constructor(
    private readonly api: Api,
    private readonly inputsKey: () => string,
  ) {}

  get settings(): Readonly<TrainSettings> {
    return this.#settings;
  }
  get providers(): readonly ProviderInfo[] {
    return this.#providers;
  }
  get status(): RunStatus {
    return this.#status;
  }
  get runId(): string | null {
    return this.#runId;
  }
  get summary(): string {
    return this.#summary;
  }
  get message(): string | null {
    return this.#message;
  }
  /** Why the last start failed, while the inputs it was about are unchanged. */
  get error(): string | null {
    const e = this.#error;
    return e && e.key === this.inputsKey() ? e.text : null;
  }
  /** The current run's metric history, bounded (see MetricHistory); null before its first epoch. */
  get history(): HistorySnapshot | null {
    return this.#history;
  }
  get version(): number {
    return this.#version;
  }
  /** The newest epoch's own metrics (the status line's readouts). */
  get last(): EpochPoint | null {
    return this.#last;
  }
  /** The epoch the current run has reached (0 before its first). */
  get epochsDone(): number {
    return this.#last?.epoch ?? 0;
  }
  get epochs(): number {
    return this.#epochs;
  }
  get batch() {
    return this.#batch;
  }
  get samplesPerSec(): number {
    return this.#samplesPerSec;
  }
  get views(): TrainingViews | null {
    return this.#views;
  }
  get past(): readonly PastRun[] {
    return this.#past;
  }
  /** Earlier runs the loss chart overlays (see `overlaid`). */
  get overlaid(): readonly PastRun[] {
    return overlaid(this.#past, this.#trained?.data ?? null, this.#otherData);
  }
  get otherData(): boolean {
    return this.#otherData;
  }
  setOtherData(on: boolean): void {
    this.#otherData = on;
  }
  /** Rename, hide or show, or take an earlier run off the list. */
  renameRun(id: string, label: string): void {
    const name = label.trim();
    if (name) this.#past = this.#past.map((r) => (r.id === id ? { ...r, label: name.slice(0, 60) } : r));
  }
  setRunHidden(id: string, hidden: boolean): void {
    this.#past = this.#past.map((r) => (r.id === id ? { ...r, hidden } : r));
  }
  /**
   * Delete an earlier run: from the list and, through `onrundelete` (the session asks first and takes
   * it out of the project, which then has unsaved changes), from the project. False when not deleted.
   */
  async deleteRun(id: string): Promise<boolean> {
    const run = this.#past.find((r) => r.id === id);
    if (!run) return false;
    if (this.onrundelete && !(await this.onrundelete(id, run.label))) return false;
    this.#past = this.#past.filter((r) => r.id !== id);
    return true;
  }
  #pastRun(id: string, label: string, history: HistorySnapshot, data: string | null): PastRun {
    const color = RUN_COLORS[this.#runCount++ % RUN_COLORS.length]!;
    return { id, label, history, data, color, hidden: false };
  }
  /** A saved run's epochs, compacted as the engine compacts a run. */
  #compact(epochs: RunRecord['epochs'], maxPoints = OVERLAY_POINTS): HistorySnapshot {
    return MetricHistory.fromEpochs(epochs, maxPoints).snapshot();
  }
  get logScale(): boolean {
    return this.#logScale;
  }
  get exporting(): boolean {
    return this.#exporting;
  }
  /** The views of the model on screen are being recomputed (an opened project's, or a preview). */
  get updating(): boolean {
    return this.#pendingViews > 0;
  }
  get hasModel(): boolean {
    return this.#hasModel;
  }
  get trained(): Trained | null {
    return this.#trained;
  }
  /** Running, starting or paused: the run holds the graph and the data. */
  get active(): boolean {
    return this.#status === 'running' || this.#status === 'starting' || this.#status === 'paused';
  }
  get running(): boolean {
    return this.#status === 'running' || this.#status === 'starting';
  }
  /** The backend the current (or last) run of this project trains on, as the engine names it ('ts', 'ort-cpu'). */
  get runBackend(): string {
    return this.#backendName;
  }
  /** Why the current (or last) run trains on its backend, in the engine's words ('' before a run). */
  get backendReason(): string {
    return this.#backendReason;
  }
  /** The backend as the status line names it: the run's while one is going, else the chosen one. */
  get backendLabel(): string {
    if (this.active && this.#backendName) return this.#backendName === 'ts' ? BACKEND_LABELS.ts : this.#backendName;
    const s = this.#settings;
    return s.backend === 'ort' ? `${BACKEND_LABELS.ort} (${s.ep})` : BACKEND_LABELS[s.backend];
  }

  setLogScale(on: boolean): void {
    this.#logScale = on;
  }

  /** Choose a setting that is not typed (optimizer, schedule, backend, provider). */
  choose<K extends 'optimizer' | 'schedule' | 'backend' | 'ep'>(key: K, value: TrainSettings[K]): void {
    this.#settings[key] = value;
  }

  /** The text shown in a typed field: the draft while it is wrong, else the setting. */
  fieldText(field: TrainField): string {
    return this.#drafts[field]?.text ?? String(this.#settings[field]);
  }

  /** Why a typed field's text cannot be used, or null. */
  fieldError(field: TrainField): string | null {
    return this.#drafts[field]?.error ?? null;
  }

  /** Every typed field's error, in the panel's order (these stop training). */
  get fieldErrors(): string[] {
    return (Object.keys(TRAIN_FIELDS) as TrainField[]).flatMap((f) => {
      const e = this.#drafts[f]?.error;
      return e ? [e] : [];
    });
  }

  /** Take what the user typed: a valid number becomes the setting, anything else stays a draft with its sentence. */
  type(field: TrainField, text: string): void {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    const error = checkTrainField(field, value);
    const { [field]: _old, ...rest } = this.#drafts;
    if (error) {
      this.#drafts = { ...rest, [field]: { text, error } };
      return;
    }
    this.#drafts = rest;
    this.#settings[field] = value;
  }

  async start(): Promise<void> {
    try {
      this.#providers = await this.api.listProviders({});
    } catch {
      this.#providers = [];
    }
  }

  /** Take a project's training config into the panel; another project's run and figures go. */
  load(c: TrainConfig, runs: readonly RunRecord[] = []): void {
    this.#settings = settingsOf(c);
    this.#drafts = {};
    if (this.active) this.control('stop');
    this.#status = 'idle';
    this.#runId = null;
    this.#history = null;
    this.#runCount = 0;
    this.#past = runs.slice(-4).map((r, i) => this.#pastRun(r.id, `saved run ${i + 1}`, this.#compact(r.epochs), null));
    this.#last = null;
    this.#batch = null;
    this.#views = null;
    this.#summary = '';
    this.#error = null;
    this.#message = null;
    this.#epochs = 0;
    this.#samplesPerSec = 0;
    this.#elapsedMs = 0;
    this.#backendName = '';
    this.#backendReason = '';
    this.#hasModel = false;
    this.#trained = null;
    this.#version++;
  }

  get progress(): number {
    if (!this.#epochs) return 0;
    const b = this.#batch;
    const done = this.epochsDone;
    const within = b && b.epoch === done ? (b.batch + 1) / b.batches : 0;
    return Math.min(1, (done + within) / this.#epochs);
  }

  /** Seconds left at the current pace while running; null otherwise. */
  get secondsLeft(): number | null {
    if (this.#status !== 'running') return null;
    return timeLeft(this.progress * this.#epochs, this.#epochs, this.#elapsedMs);
  }

  /** The mini-batch reached inside an epoch not finished yet (after Step, or while paused). */
  get batchInProgress(): { epoch: number; batch: number; batches: number; loss: number } | null {
    const b = this.#batch;
    return b && b.batches > 1 && b.epoch >= this.epochsDone ? b : null;
  }

  /** Report a start that cannot happen, as a failed start would be. */
  refuse(text: string): void {
    this.#error = { text, key: this.inputsKey() };
  }

  /**
   * Start a run of the project (the panel's settings applied: `Session.projectToTrain`) on `data`: from its learned weights
   * ('continue', where shapes still match) or from the seed ('fresh'). The last run's figures stay
   * until the new run has started, so a failed start loses nothing.
   */
  async run(
    project: Project,
    data: DataChoice,
    shape: DataShape | null,
    start: StartPolicy,
    from: number | null = null,
  ): Promise<void> {
    const before = this.#status;
    this.#error = null;
    this.#message = null;
    this.#status = 'starting';
    // An untrained preview still on its way finishes first (it would stop the run in the engine).
    if (this.#previewing) await this.#previewing;
    try {
      const r = await this.api.trainStart({
        project,
        data,
        start,
        ep: this.#settings.backend === 'ort' ? this.#settings.ep : null,
        ...(from === null ? {} : { from }),
      });
      this.#begin(r.runId);
      this.#trained = { graph: JSON.stringify(project.graph), data: JSON.stringify(data), shape };
      this.#summary = r.summary;
      this.#message = r.message;
      if (this.#status === 'starting') this.#status = 'running';
    } catch (e) {
      // The engine stops a run in progress before it starts another.
      this.#status = before === 'running' || before === 'paused' ? 'stopped' : before;
      this.#error = { text: readableError((e as Error).message), key: this.inputsKey() };
    }
  }

  /**
   * Show an opened project's own model: its last run's curve, its views (when the data is chosen) and
   * its exports, without training. A project without weights shows nothing.
   */
  async restore(project: Project, data: DataChoice | null): Promise<void> {
    const ticket = ++this.#viewsTicket;
    this.#pendingViews++;
    try {
      const r = await this.api.restoreRun({ project, data });
      const last = project.runs.at(-1);
      this.#hasModel = !!project.weights;
      if (ticket === this.#viewsTicket) this.#views = r.views;
      const shown = last && project.weights ? last : null;
      this.#history = shown ? this.#compact(shown.epochs, PROGRESS_POINTS) : null;
      // The run whose model is on screen is the chart's own curve, not also an earlier run beside it
      // (a next run moves it there, as after any run).
      if (shown) this.#past = this.#past.filter((r) => r.id !== shown.id);
      this.#last = (shown?.epochs.at(-1) as EpochPoint | undefined) ?? null;
      this.#epochs = this.epochsDone;
      this.#runId = last && project.weights ? last.id : null;
      this.#status = project.weights ? 'done' : 'idle';
      if (project.weights)
        this.#trained = { graph: JSON.stringify(project.graph), data: JSON.stringify(data), shape: null };
      if (r.note) this.#message = r.note;
      this.#version++;
    } catch (e) {
      this.#error = { text: readableError((e as Error).message), key: this.inputsKey() };
    } finally {
      this.#pendingViews--;
    }
  }

  /**
   * Before training: the views of the project's untrained network on `data`. Runs wait for a preview
   * in flight (the engine shows one model at a time), and a late answer is dropped once a run started.
   */
  async preview(project: Project, data: DataChoice): Promise<void> {
    if (this.#status !== 'idle' || this.#hasModel || project.weights) return;
    const ticket = ++this.#viewsTicket;
    this.#pendingViews++;
    const p = (async () => {
      try {
        const r = await this.api.restoreRun({ project, data });
        if (ticket === this.#viewsTicket && this.#status === 'idle' && !this.#hasModel) this.#views = r.views;
      } catch {
        // A network that does not fit the data yet shows nothing; the problems bar says why.
      } finally {
        this.#pendingViews--;
      }
    })();
    this.#previewing = p;
    await p;
    if (this.#previewing === p) this.#previewing = null;
  }

  /** A new run has started: the last one's history goes to the overlays, its figures make room. */
  #begin(runId: string): void {
    if (this.#runId === runId) return;
    const h = this.#history;
    if (h && h.steps && this.#runId)
      this.#past = [
        ...this.#past,
        this.#pastRun(this.#runId, `run ${this.#runCount + 1}`, h, this.#trained?.data ?? null),
      ].slice(-6);
    this.#runId = runId;
    this.#hasModel = true;
    this.#history = null;
    this.#last = null;
    this.#batch = null;
    this.#views = null;
    this.#samplesPerSec = 0;
    this.#elapsedMs = 0;
    this.#version++;
  }

  /** Show the decision boundary over two other features (the engine recomputes the views). */
  async setPlaneFeatures(features: [number, number]): Promise<void> {
    await this.viewOptions({ features });
  }

  /** Show another layer (or method) in the 3-D view. */
  async setSpace(nodeId: string, method: 'exact' | 'first3' | 'pca'): Promise<void> {
    await this.viewOptions({ space: { nodeId, method } });
  }

  /** Put another feature on the regression curve's x axis. */
  async setCurveFeature(feature: number): Promise<void> {
    await this.viewOptions({ curveFeature: feature });
  }

  /** Project another layer's activations (null: the inputs) in the projection view. */
  async setProjection(nodeId: string | null): Promise<void> {
    await this.viewOptions({ projection: { nodeId } });
  }

  /** Show another row's feature maps and saliency in the image views. */
  async setSample(row: number): Promise<void> {
    await this.viewOptions({ sample: row });
  }

  private async viewOptions(req: Parameters<Api['viewOptions']>[0]): Promise<void> {
    try {
      const v = await this.api.viewOptions(req);
      if (v) this.#views = v;
    } catch (e) {
      this.#error = { text: readableError((e as Error).message), key: this.inputsKey() };
    }
  }

  control(action: 'pause' | 'resume' | 'stop' | 'step'): void {
    void this.api
      .trainControl({ action })
      .catch((e: Error) => (this.#error = { text: readableError(e.message), key: this.inputsKey() }));
  }

  /** Handle an engine event; true when it was a training event. */
  handle(e: ApiEvent): boolean {
    if (e.type === 'train-progress') {
      if (e.runId !== this.#runId) return true;
      this.#history = e.history;
      if (e.last) this.#last = e.last;
      this.#epochs = e.epochs;
      this.#batch = e.batch;
      this.#samplesPerSec = e.samplesPerSec;
      this.#elapsedMs = e.elapsedMs;
      this.updates++;
      this.#version++;
      return true;
    }
    if (e.type === 'train-views') {
      if (e.runId !== this.#runId) return true;
      // The engine refreshes the evaluation less often than the plots: keep the last one meanwhile.
      const keep = !e.views.evaluation && this.#views?.evaluation;
      this.#views = keep ? { ...e.views, evaluation: this.#views!.evaluation! } : e.views;
      return true;
    }
    if (e.type !== 'train') return false;
    const t = e.event;
    if (t.type === 'start') {
      // The new run's first event can come before the answer to trainStart.
      if (this.#status === 'starting') this.#begin(e.runId);
      if (e.runId !== this.#runId) return true;
      this.#epochs = t.epochs;
      this.#backendName = t.backend;
      this.#backendReason = t.backendReason ?? '';
      this.#status = 'running';
      return true;
    }
    if (e.runId !== this.#runId) return true;
    if (t.type === 'paused') this.#status = 'paused';
    else if (t.type === 'resumed') this.#status = 'running';
    else if (t.type === 'diverged') this.#message = `${t.message} ${t.advice}`;
    else if (t.type === 'early_stop') this.#message = t.message;
    else if (t.type === 'done') {
      this.#status = t.reason === 'stopped' ? 'stopped' : 'done';
      this.ondone?.();
    }
    return true;
  }

  /** Export the last run; the browser host hands back the bytes to download. Throws what failed. */
  async export(format: ExportFormat): Promise<string | null> {
    this.#exporting = true;
    try {
      const r = await this.api.exportModel({ format });
      if (r.status === 'download') {
        downloadBase64(r.fileName, r.base64, r.mime);
        return `Downloaded ${r.fileName}.`;
      }
      return r.status === 'saved' ? `Saved ${r.fileName}.` : null;
    } catch (e) {
      throw new Error(readableError((e as Error).message), { cause: e });
    } finally {
      this.#exporting = false;
    }
  }
}
