/**
 * The learning lab's state: the traced step and the phase on screen, a traced sample, what the
 * engine said when a run diverged, the timeline's checkpoint, runs kept for comparison and their
 * diff, and the sweep board. It asks the engine through the session's Api and never trains itself:
 * a fork goes through the session like any other run.
 */
import type {
  ApiEvent,
  DataChoice,
  FlowView,
  GraphDoc,
  Project,
  ProjectDiff,
  SampleSplit,
  StepTrace,
  SweepResult,
  SweepSpace,
  TrainConfig,
  TrainingViews,
} from '../../../../src-engine/protocol/api.ts';
import { MAX_TRACE_ROWS, savedRuns } from '../../../../src-engine/protocol/index.ts';
import { readableError } from '../../lib/field-checks.ts';
import type { Session } from '../../lib/session.svelte.ts';
import { phaseNode, phasesOf, type Phase } from './phases.ts';
import { pickedSample, type SamplePick } from './pick.ts';

/** Rows of the step traced when the project's own mini-batch is too large to show. */
const STEP_ROWS = 32;
/** Training rows the trace view lists to pick one from. */
export const SAMPLE_TABLE_ROWS = 10;

export type LabTab = 'step' | 'flow' | 'timeline' | 'compare' | 'trace' | 'sweep';

export const LAB_TABS: [LabTab, string][] = [
  ['step', 'Step'],
  ['flow', 'Gradient flow'],
  ['timeline', 'Timeline'],
  ['compare', 'Compare'],
  ['trace', 'Trace a sample'],
  ['sweep', 'Sweep'],
];

/** A run kept for comparison: the project as it was, with its views then. */
export interface KeptRun {
  label: string;
  project: Project;
  views: TrainingViews | null;
  /** What it lacks to compare (a saved run without weights, say), one sentence each. */
  missing?: string[];
}

export class LabState {
  #open = $state(false);
  tab = $state<LabTab>('step');
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);

  // Step-through.
  #trace = $state.raw<{ trace: StepTrace; graph: GraphDoc; config: TrainConfig; note: string | null } | null>(null);
  #phase = $state(0);
  /** The element of the phase's tensor whose formula is written out. */
  element = $state(0);

  // One sample, and the first training rows to pick one from.
  #sample = $state.raw<{ trace: StepTrace; row: number; split: SampleSplit; graph: GraphDoc } | null>(null);
  #firstRows = $state.raw<{ trace: StepTrace; graph: GraphDoc } | null>(null);

  // Divergence, as the engine explained it.
  #diverged = $state.raw<{ message: string; advice: string; replay: FlowView | null } | null>(null);

  // Timeline.
  #at = $state.raw<{ epoch: number; views: TrainingViews | null; note: string | null } | null>(null);

  // Compare.
  #kept = $state.raw<KeptRun[]>([]);
  #diff = $state.raw<{ a: KeptRun; b: KeptRun; diff: ProjectDiff } | null>(null);

  // Sweep.
  #sweepId = $state<string | null>(null);
  #sweep = $state.raw<SweepResult[]>([]);

  constructor(private readonly session: Session) {}

  get open(): boolean {
    return this.#open;
  }
  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get trace() {
    return this.#trace;
  }
  get phases(): Phase[] {
    return this.#trace ? phasesOf(this.#trace.trace) : [];
  }
  get phaseIndex(): number {
    return this.#phase;
  }
  get phase(): Phase | undefined {
    return this.phases[this.#phase];
  }
  /** The canvas node the phase on screen is about. */
  get focusNode(): string | null {
    if (!this.#open) return null;
    if (this.tab === 'step') return this.phase ? phaseNode(this.phase) : null;
    return null;
  }
  get sample() {
    return this.#sample;
  }
  /** The first training rows (their inputs, targets and the network's outputs), to pick one to trace. */
  get firstRows() {
    return this.#firstRows;
  }
  get diverged() {
    return this.#diverged;
  }
  get at() {
    return this.#at;
  }
  get kept(): readonly KeptRun[] {
    return this.#kept;
  }
  get diff() {
    return this.#diff;
  }
  get sweepId(): string | null {
    return this.#sweepId;
  }
  get sweep(): readonly SweepResult[] {
    return this.#sweep;
  }
  get sweepRunning(): boolean {
    return this.#sweep.some((r) => r.status === 'running' || r.status === 'waiting');
  }
  /** Epochs of the project's checkpoints, oldest first. */
  get checkpoints(): number[] {
    const runs = this.session.meta?.checkpoints ?? [];
    return runs
      .map((c) => c.epoch)
      .filter((e, i, all) => all.indexOf(e) === i)
      .sort((a, b) => a - b);
  }
  get checkpointEvery(): number {
    return this.session.meta?.training.checkpointEvery ?? 0;
  }

  toggle(open = !this.#open): void {
    this.#open = open;
  }

  show(tab: LabTab): void {
    this.#open = true;
    this.tab = tab;
  }

  /** The project (as Train would run it) and data a lab request is about, or a sentence saying what is missing. */
  #inputs(): { project: Project; data: DataChoice } | string {
    const project = this.session.projectToTrain();
    if (!project) return 'There is no project yet.';
    const data = this.session.data.choice();
    if (typeof data === 'string') return data;
    return { project, data };
  }

  async #ask<T>(what: string, f: () => Promise<T>): Promise<T | null> {
    this.#busy = what;
    this.#error = null;
    try {
      return await f();
    } catch (e) {
      this.#error = readableError((e as Error).message);
      return null;
    } finally {
      this.#busy = null;
    }
  }

  /** Trace one training step of the project (the first mini-batch its run would draw). */
  async traceStep(): Promise<void> {
    const inp = this.#inputs();
    if (typeof inp === 'string') {
      this.#error = `The step cannot be traced: ${inp}`;
      return;
    }
    const b = inp.project.training.batchSize;
    const big = b === 0 || b > MAX_TRACE_ROWS;
    const api = this.session.api;
    const r = await this.#ask('Tracing one training step…', async () => {
      try {
        return { trace: await api.traceStep({ ...inp, rows: null }), note: null };
      } catch (e) {
        // A mini-batch too large to show (the whole data set, say): the step of a batch of its first rows.
        if (!big) throw e;
        const rows = Array.from({ length: STEP_ROWS }, (_, i) => i);
        const trace = await api.traceStep({ ...inp, rows });
        return {
          trace,
          note: `This project's batch is too large to show, so the step is traced on a batch of the first ${STEP_ROWS} training rows.`,
        };
      }
    });
    if (!r) return;
    this.#trace = { trace: r.trace, graph: inp.project.graph, config: inp.project.training, note: r.note };
    this.#phase = 0;
    this.element = 0;
  }

  go(delta: number): void {
    this.goTo(this.#phase + delta);
  }

  goTo(i: number): void {
    const n = this.phases.length;
    if (!n) return;
    const next = Math.max(0, Math.min(n - 1, i));
    if (next !== this.#phase) this.element = 0;
    this.#phase = next;
  }

  /**
   * Trace one row through the network: a row of the training data, or of the held-out rows a view
   * shows (`split`). The lab opens on the trace: picking a point, an image or a table row lands here.
   */
  async traceSample(row: number, split: SampleSplit = 'train'): Promise<void> {
    this.show('trace');
    const inp = this.#inputs();
    if (typeof inp === 'string') {
      this.#error = `The sample cannot be traced: ${inp}`;
      return;
    }
    const what = `${split === 'train' ? 'training' : split} row ${row}`;
    const r = await this.#ask(`Tracing ${what}…`, () =>
      this.session.api.traceStep({ ...inp, rows: [row], ...(split === 'train' ? {} : { split }) }),
    );
    if (r) this.#sample = { trace: r, row, split, graph: inp.project.graph };
  }

  /** Trace a sample picked in a view: a point on the decision-boundary plane, or an image. */
  async tracePick(pick: SamplePick): Promise<void> {
    const at = pickedSample(pick);
    if (!at) {
      this.show('trace');
      this.#error = 'That point cannot be traced: the view does not say which row it is (train again to refresh it).';
      return;
    }
    await this.traceSample(at.row, at.split);
  }

  /** Read the first training rows (inputs, targets, outputs with the current weights) for the pick table. */
  async loadFirstRows(count = SAMPLE_TABLE_ROWS): Promise<void> {
    const inp = this.#inputs();
    if (typeof inp === 'string') {
      this.#error = `The training rows cannot be shown: ${inp}`;
      return;
    }
    const rows = Array.from({ length: count }, (_, i) => i);
    const trace = await this.#ask('Reading the first training rows…', () =>
      this.session.api.traceStep({ ...inp, rows }),
    );
    if (trace) this.#firstRows = { trace, graph: inp.project.graph };
  }

  /** Keep a checkpoint every n epochs in the project's next runs (0: none). */
  setCheckpointEvery(n: number): void {
    this.session.setTrainingOptions({ checkpointEvery: Math.max(0, Math.round(n)) });
  }

  /** Show the model, its views and metrics at a checkpoint's epoch. */
  async showAt(epoch: number): Promise<void> {
    const inp = this.#inputs();
    const project = this.session.project();
    if (!project) return;
    const data = typeof inp === 'string' ? null : inp.data;
    const r = await this.#ask(`Loading the checkpoint at epoch ${epoch}…`, () =>
      this.session.api.restoreRun({ project, data, epoch }),
    );
    if (r) this.#at = { epoch, views: r.views, note: r.note };
  }

  /** Metrics of the project's last run at an epoch (from its record). */
  metricsAt(epoch: number): Record<string, number> | null {
    const run = this.session.meta?.runs.at(-1);
    return (run?.epochs.find((p) => p.epoch === epoch) as Record<string, number> | undefined) ?? null;
  }

  /** Fork a run from the checkpoint at `epoch` with the training panel's settings. */
  async fork(epoch: number): Promise<void> {
    this.#diverged = null;
    await this.session.train('continue', epoch);
  }

  /** Keep the project as it is now (its last run and views) for comparison. */
  keep(label?: string): void {
    const project = this.session.project();
    if (!project) return;
    const n = this.#kept.length + 1;
    const lr = project.training.optimizer.lr;
    this.#kept = [
      ...this.#kept,
      {
        label: label ?? `run ${n}: ${project.training.optimizer.name}, lr ${lr}`,
        project: structuredClone($state.snapshot(project)) as Project,
        views: this.session.training.views,
      },
    ].slice(-8);
  }

  /** Add a project file to compare with (its last run). */
  async keepFile(file: File): Promise<void> {
    const text = await file.text();
    const r = await this.#ask(`Reading ${file.name}…`, () =>
      this.session.api.importProject({ fileName: file.name, text }),
    );
    if (r?.status === 'opened') this.#kept = [...this.#kept, { label: file.name, project: r.project, views: null }];
  }

  /** Every run the open project has recorded (saved in its file, and this session's), oldest first. */
  saved(): KeptRun[] {
    const project = this.session.project();
    if (!project) return [];
    return savedRuns(project).map((r) => ({ label: r.label, project: r.project, views: null, missing: r.missing }));
  }

  /** The project as it is now, as a run to compare. */
  current(): KeptRun | null {
    const project = this.session.project();
    return project ? { label: 'this project now', project, views: this.session.training.views } : null;
  }

  async compare(a: KeptRun, b: KeptRun): Promise<void> {
    const diff = await this.#ask('Comparing…', () => this.session.api.diffProjects({ a: a.project, b: b.project }));
    if (!diff) return;
    const [va, vb] = await Promise.all([this.#withViews(a), this.#withViews(b)]);
    this.#diff = { a: va, b: vb, diff };
  }

  /**
   * A run to compare with its views (boundary, confusion matrix): drawn by the engine from the run's
   * own weights on the data chosen now, where it has weights and none came with it (a run of another
   * project file, a sweep run, the project's last saved run).
   */
  async #withViews(r: KeptRun): Promise<KeptRun> {
    if (r.views || !r.project.weights) return r;
    const data = this.session.data.choice();
    if (typeof data === 'string') return r;
    const say = (note: string) => ({ ...r, missing: [...(r.missing ?? []), note] });
    try {
      const { views, note } = await this.session.api.runViews({ project: r.project, data });
      return views ? { ...r, views } : note ? say(note) : r;
    } catch (e) {
      return say(`Its views could not be drawn: ${(e as Error).message}`);
    }
  }

  async startSweep(space: SweepSpace, mode: 'grid' | 'random', count: number): Promise<void> {
    const inp = this.#inputs();
    if (typeof inp === 'string') {
      this.#error = `The sweep cannot start: ${inp}`;
      return;
    }
    // Each run trains as Train would: with the panel's settings (epochs typed a moment ago, say).
    const r = await this.#ask('Starting the sweep…', () => this.session.api.sweepStart({ ...inp, space, mode, count }));
    if (!r) return;
    this.#sweepId = r.sweepId;
    this.#sweep = [];
  }

  async stopSweep(): Promise<void> {
    const id = this.#sweepId;
    if (id) await this.#ask('Stopping the sweep…', () => this.session.api.sweepStop({ sweepId: id }));
  }

  /** A sweep run as a project: opened in the editor, or kept for comparison. */
  async sweepProject(index: number, then: 'open' | 'keep'): Promise<void> {
    const id = this.#sweepId;
    if (!id) return;
    const p = await this.#ask('Fetching the run…', () => this.session.api.sweepResult({ sweepId: id, index }));
    if (!p) return;
    if (then === 'open') await this.session.adopt(p, `${p.name}.netwright`);
    else this.#kept = [...this.#kept, { label: `sweep run ${index + 1}`, project: p, views: null }];
  }

  /** Watch engine events (they go on to the training panel too). */
  observe(e: ApiEvent): void {
    if (e.type === 'sweep-progress') {
      if (e.sweepId !== this.#sweepId) return;
      const rest = this.#sweep.filter((r) => r.index !== e.result.index);
      this.#sweep = [...rest, e.result].sort((a, b) => a.index - b.index);
    } else if (e.type === 'train' && e.event.type === 'diverged') {
      this.#diverged = { message: e.event.message, advice: e.event.advice, replay: e.event.replay ?? null };
    } else if (e.type === 'train' && e.event.type === 'start') {
      this.#diverged = null;
    }
  }
}
