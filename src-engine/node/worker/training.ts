/**
 * Training in the engine worker: one run at a time through a TrainingSession (the same session the
 * CLI drives), its events forwarded to the page (epoch points batched ~20 times a second), views
 * computed between epochs within a time budget, and the snapshot of the model on screen — the last
 * run, or the project's own weights after opening it — kept for views and export. Also the data
 * files the page uploads.
 */
import type { Dataset } from '../../data/dataset.ts';
import type { PixelScaling, Preprocessing } from '../../data/preprocess.ts';
import { prepare } from '../../data/prepare.ts';
import { summarize, summaryLine, type DatasetSummary } from '../../data/summary.ts';
import type { RawTable } from '../../data/table.ts';
import { CompiledModel } from '../../model/compile.ts';
import { exportRun, type ExportFile } from '../../onnx/exports.ts';
import type { CheckpointJson, Project, RunRecord, WeightsJson } from '../../project/project.ts';
import { weightsToJson } from '../../project/weights.ts';
import type { ApiEvent } from '../../protocol/api.ts';
import type {
  BuiltinDatasetItem,
  DataChoice,
  DataShape,
  ExportFormat,
  ProviderInfo,
  SampleSplit,
  TrainingViews,
  ViewChoice,
} from '../../protocol/training.ts';
import {
  checkpointFromJson,
  checkpointToJson,
  projectSnapshot,
  startingWeights,
  runRecord,
  TrainingSession,
  type RunSnapshot,
  type SessionData,
  type StartPolicy,
} from '../../train/session.ts';
import { ForwardEvaluator, planViews, type ViewPlan } from '../../views/index.ts';
import { CHART_SERIES, MetricHistory, PROGRESS_POINTS } from '../../views/history.ts';
import { explainDivergence, FlowHistory, probeFor } from '../../lab/flow.ts';
import { Sweep, sweepSettings, type SweepSpace } from '../../lab/sweep.ts';
import { traceStep, type StepTrace } from '../../lab/step.ts';
import { MAX_TRACE_ROWS } from '../../protocol/schemas.ts';
import { Trainer, splitValidation, type Checkpoint } from '../../train/trainer.ts';
import type { WeightSet } from '../../tensor/weights.ts';
import type { TrainConfig } from '../../train/config.ts';
import { checkParamCount } from '../../limits.ts';
import { loadTable, type LoadTableOptions } from '../data/load-table.ts';
import type { ColumnType } from '../../data/columns.ts';
import { envLimits } from '../limits.ts';
import { createOrtBackend, probeProviders } from '../ort/index.ts';
import { builtinDatasetItems, loadBuiltin } from '../resolve-dataset.ts';
import { computeViews } from './train-views.ts';
import { scriptFilesOf } from '../datasets/digits.ts';

/** Progress events at most this often (ms): 20 a second keeps plots live without flooding the socket. */
const PROGRESS_MS = 50;
/** Views at most this often (ms), and never more than a third of the time (so training keeps going). */
const VIEWS_MS = 100;
const VIEWS_SHARE = 3;
const EVALUATION_MS = 1000;
/** Opened data tables kept at most; opening another releases the oldest. */
const MAX_OPEN_TABLES = 4;

type ViewData = { train: Dataset; validation?: Dataset | undefined; test?: Dataset | undefined };

/** How to compute views of the model on screen (a run's, or a reopened project's). */
interface ViewContext {
  evaluator: ForwardEvaluator;
  plan: ViewPlan;
  graph: Project['graph'];
  data: ViewData;
  epoch: () => number;
}

const now = () => performance.now();

/** The project's checkpoint at `epoch`: its state for an exact resume when the graph still takes it, and its weights. */
function forkPoint(project: Project, epoch: number): { weights: WeightSet; resume: Checkpoint | null } {
  const c = (project.checkpoints ?? []).find((k) => k.epoch === epoch);
  if (!c) {
    const have = (project.checkpoints ?? []).map((k) => k.epoch);
    throw new RangeError(
      have.length
        ? `The project has no checkpoint at epoch ${epoch}; it has ${have.join(', ')}.`
        : 'The project has no checkpoints: set "Checkpoint every" in the training settings and train it.',
    );
  }
  if (epoch >= project.training.epochs)
    throw new RangeError(`The checkpoint is at epoch ${epoch}: set more than ${epoch} epochs to train on from it.`);
  try {
    const resume = checkpointFromJson(c, project.graph);
    return { weights: resume.weights, resume };
  } catch {
    // The graph was edited since: its weights, wherever name and shape still fit.
    const weights: WeightSet = new Map(
      Object.entries(c.weights).map(([k, w]) => [k, { shape: [...w.shape], data: Float32Array.from(w.data) }]),
    );
    return { weights, resume: null };
  }
}

/**
 * How a run started, for the status line (null for a fresh start): a fork from the checkpoint at
 * `from` with its whole state, or — when graph edits changed shapes (`resumed` false) — from epoch 0
 * with its weights wherever name and shape fit; or the learned weights continued, all or in part.
 */
function howStarted(
  from: number | null,
  resumed: boolean,
  start: StartPolicy,
  kept: number,
  total: number,
): string | null {
  if (from !== null) {
    if (resumed) return `Forked from the checkpoint at epoch ${from}.`;
    return `Started from epoch 0 with the weights of the checkpoint at epoch ${from} where names and shapes fit (${kept} of ${total} parameters; the others start fresh): the edited network no longer takes the checkpoint's whole state.`;
  }
  if (start !== 'continue') return null;
  if (kept === total) return `Continued from the learned weights (all ${total} parameters).`;
  return `Continued from the learned weights of ${kept} of ${total} parameters whose shapes still match; the others start fresh.`;
}

const setImmediatePromise = () => new Promise<void>((r) => setImmediate(r));

/** Training runs and uploaded data of one engine. */
/**
 * The rows the views show, split as a run's trainer splits them (a built-in set's validation share
 * held out), so a point's row number is the row a trace (and training) uses.
 */
function viewData(data: SessionData, config: TrainConfig): ViewData {
  const split = data.validation
    ? { train: data.train, validation: data.validation }
    : splitValidation(data.train, config.validationSplit, config.seed);
  return { train: split.train, validation: split.validation, test: data.test };
}

/** How a summary says the pixels were scaled (nothing when the data are not images). */
/** What the data summary adds for images' pixel scaling (nothing for other data). */
const pixelsSaid = (pixels?: PixelScaling): string =>
  pixels === 'unit' ? '; pixels ÷255' : pixels === 'channel' ? '; pixels standardised per channel' : '';

export class TrainingService {
  /** The run in progress (or paused). */
  private session: TrainingSession | null = null;
  /** The model on screen: the last run's snapshot, or the opened project's. */
  private shown: RunSnapshot | null = null;
  /** The data the model on screen was trained or shown on (a training script reads the built-in digits' files itself). */
  private shownData: DataChoice | null = null;
  private readonly tables = new Map<string, { table: RawTable; fileName: string }>();
  private nextId = 1;
  private readonly sweeps = new Map<string, Sweep>();
  /** The boundary's axes chosen by the user (null: the default pair). */
  private planeFeatures: [number, number] | null = null;
  private spaceChoice: { nodeId: string; method: 'exact' | 'first3' | 'pca' } | null = null;
  /** The row whose feature maps and saliency the image views show. */
  private sampleChoice: number | undefined = undefined;
  /** The regression curve's feature and the projection's layer (undefined: the defaults). */
  private curveFeature: number | undefined = undefined;
  private projectionChoice: { nodeId: string | null } | undefined = undefined;
  /** How to recompute the views of the model on screen (after a run ended, while paused, or after opening). */
  private viewContext: ViewContext | null = null;
  /** Counts restores: one that read its data while a newer one began leaves the views to the newer. */
  private restores = 0;

  constructor(private readonly emit: (e: ApiEvent) => void) {}

  /** The built-in datasets with their parameters. */
  datasets(): BuiltinDatasetItem[] {
    return builtinDatasetItems();
  }

  /** ONNX Runtime's execution providers as probed here. */
  async providers(): Promise<ProviderInfo[]> {
    try {
      return (await probeProviders()).map((r) => ({ ep: r.ep, usable: r.usable, reason: r.reason }));
    } catch (e) {
      return [{ ep: 'cpu', usable: false, reason: `ONNX Runtime could not be loaded: ${(e as Error).message}` }];
    }
  }

  /** Load an uploaded file (at `file`, named `fileName`) through the engine's loaders and summarise it. */
  async openData(
    file: string,
    fileName: string,
    target: string | null,
    options: Pick<LoadTableOptions, 'labelsPath' | 'csv'> = {},
  ): Promise<{ dataId: string; summary: DatasetSummary }> {
    const table = await loadTable(file, options);
    table.name = fileName;
    const dataId = `data${this.nextId++}`;
    this.tables.set(dataId, { table, fileName });
    // A page that never closes what it opened cannot hold more than a few tables.
    for (const old of this.tables.keys()) if (this.tables.size > MAX_OPEN_TABLES) this.tables.delete(old);
    return { dataId, summary: this.summary(dataId, target) };
  }

  /** Release an opened table; false when there was none under that id. */
  closeData(dataId: string): boolean {
    return this.tables.delete(dataId);
  }

  /** Summary of an opened table for a target column (null: none yet). */
  summary(dataId: string, target: string | null, columnTypes?: Record<string, ColumnType>): DatasetSummary {
    const t = this.tables.get(dataId);
    if (!t) throw new RangeError(`No data file is open under '${dataId}': open it again.`);
    return summarize(t.table, target ?? undefined, columnTypes);
  }

  private async resolveData(choice: DataChoice, seed: number): Promise<SessionData> {
    if (choice.kind === 'builtin') {
      const d = await loadBuiltin(choice.id, choice.params);
      return {
        train: d.train,
        ...(d.test ? { test: d.test } : {}),
        preprocessing: d.preprocessing ?? null,
        summary: d.summary,
      };
    }
    const t = this.tables.get(choice.dataId);
    if (!t) throw new RangeError(`No data file is open under '${choice.dataId}': open it again.`);
    const p = prepare(t.table, {
      target: choice.target,
      ...(choice.features ? { features: choice.features } : {}),
      scaling: choice.scaling,
      // Images are scaled by their pixels (÷255 unless asked otherwise), as `netwright train` does.
      ...(t.table.image ? { pixels: choice.pixels ?? 'unit' } : {}),
      missing: choice.missing,
      ...(choice.columnTypes ? { columnTypes: choice.columnTypes } : {}),
      split: { validation: choice.validation, test: choice.test, seed, stratify: true },
    });
    const line = summaryLine(summarize(t.table, choice.target, choice.columnTypes));
    return {
      train: p.train,
      ...(p.validation ? { validation: p.validation } : {}),
      ...(p.test ? { test: p.test } : {}),
      preprocessing: p.preprocessing,
      summary: `${line}${pixelsSaid(p.preprocessing.pixels)}${p.dropped ? `; ${p.dropped} rows dropped for missing values` : ''}`,
    };
  }

  /** Features, targets and task of the chosen data after preprocessing. */
  async shape(choice: DataChoice): Promise<DataShape> {
    const d = await this.resolveData(choice, 1);
    return {
      features: d.train.features,
      targets: d.train.targets,
      task: d.train.task,
      classNames: d.train.classNames ?? null,
      rows: d.train.rows + (d.validation?.rows ?? 0) + (d.test?.rows ?? 0),
      summary: d.summary,
      sampleShape: d.train.sampleShape ?? null,
    };
  }

  /**
   * Start a run of the project's graph and settings on the chosen data; resolves once it has started,
   * training goes on in the background. Everything is checked before the model on screen is replaced,
   * so a failed start keeps the last model, its views and its exports.
   */
  async start(req: {
    project: Project;
    data: DataChoice;
    start: StartPolicy;
    ep: string | null;
    from?: number | null;
  }): Promise<{ runId: string; summary: string; kept: number; total: number; message: string | null }> {
    const { project } = req;
    const config = project.training;
    const { maxParams } = envLimits();
    const model = new CompiledModel(project.graph);
    checkParamCount(model.forward.params, maxParams);
    const data = await this.resolveData(req.data, config.seed);
    // A fork from a checkpoint: its whole state where the graph still takes its weights, else its weights where they fit.
    const fork = req.from === undefined || req.from === null ? null : forkPoint(project, req.from);
    // 'continue': from the model on screen when it is this project's (a paused run's newest weights),
    // else from the project's saved weights.
    const previous = fork
      ? fork.weights
      : req.start === 'continue'
        ? this.session
          ? await this.session.weights()
          : (this.shown?.weights ?? (project.weights ? projectSnapshot(project).weights : null))
        : null;
    const id = `run${this.nextId++}`;
    const session = await TrainingSession.start(
      {
        createBackend: ({ model, config: c, weights, ep }) =>
          createOrtBackend({ graph: model, config: c, ep, weights }),
        now,
        yieldToHost: setImmediatePromise,
      },
      {
        graph: project.graph,
        model,
        config,
        name: project.name,
        data,
        start: fork ? 'continue' : req.start,
        weights: previous,
        ...(fork?.resume ? { resume: fork.resume } : {}),
        keepEpochStart: true,
        ep: req.ep,
        batchEvery: 1,
        yieldEvery: 4,
        id,
        maxParams,
      },
    );
    this.session?.stop();
    this.planeFeatures = null;
    this.spaceChoice = null;
    this.sampleChoice = undefined;
    // The curve's feature and the projection's layer stay for the next run (each falls back to its
    // default when the new data or network lacks it).
    this.session = session;
    this.shown = session.snapshot;
    this.shownData = req.data;
    const plan = planViews(session.model.forward, data.train.task);
    void this.drive(session, plan, {
      train: session.trainer.train,
      validation: session.trainer.validation,
      test: data.test,
    }).catch((e: Error) => {
      this.emit({ type: 'error', message: `Training stopped: ${e.message}` });
      this.emit({
        type: 'train',
        runId: id,
        event: {
          type: 'done',
          reason: 'stopped',
          epochs: session.snapshot.points.at(-1)?.epoch ?? 0,
          metrics: null,
          samplesPerSec: 0,
          elapsedMs: 0,
        },
      });
    });
    const { kept, total } = session;
    const message = howStarted(req.from ?? null, !!fork?.resume, req.start, kept, total);
    return { runId: id, summary: data.summary, kept, total, message };
  }

  /**
   * Show a project's own model (opening or recovering a project): its weights and last run become the
   * model on screen, so its views and exports work without training. Without weights, nothing is shown.
   */
  async restore(req: {
    project: Project;
    data: DataChoice | null;
    epoch?: number | null;
  }): Promise<{ views: TrainingViews | null; note: string | null }> {
    // A preview of an untrained network that reaches the engine after a run began is moot: the run
    // owns the views (the page stops a run itself before it opens another project).
    if (!req.project.weights && this.session) return { views: null, note: null };
    const ticket = ++this.restores;
    this.session?.stop();
    this.session = null;
    this.viewContext = null;
    this.planeFeatures = null;
    this.spaceChoice = null;
    this.sampleChoice = undefined;
    this.curveFeature = undefined;
    this.projectionChoice = undefined;
    if (!req.project.weights) {
      this.shown = null;
      // Before training: the data and the untrained model (weights drawn from the seed), when the
      // network fits the data; nothing to export yet.
      if (!req.data) return { views: null, note: null };
      try {
        return await this.untrainedViews(req.project, req.data, ticket);
      } catch {
        return { views: null, note: null };
      }
    }
    const snapshot = projectSnapshot(req.project);
    if (req.epoch !== undefined && req.epoch !== null) {
      // The timeline: the model as it was at that checkpoint, with the curve up to it.
      const point = forkPoint(req.project, req.epoch);
      snapshot.weights = point.weights;
      snapshot.points = snapshot.points.filter((p) => p.epoch <= req.epoch!);
    }
    this.shown = snapshot;
    this.shownData = req.data;
    if (!req.data)
      return { views: null, note: 'Choose the data in the Data panel to see the views of the trained model.' };
    let data: SessionData;
    try {
      data = await this.resolveData(req.data, snapshot.config.seed);
    } catch (e) {
      return { views: null, note: `The views need the data: ${(e as Error).message}` };
    }
    if (ticket !== this.restores) return { views: null, note: null };
    const model = new CompiledModel(snapshot.graph);
    if (model.forward.features !== data.train.features || model.forward.targets !== data.train.targets)
      return { views: null, note: 'The chosen data does not fit the trained network, so its views are not shown.' };
    const evaluator = new ForwardEvaluator(model, snapshot.weights);
    const plan = planViews(model.forward, data.train.task);
    const epochs = snapshot.points.at(-1)?.epoch ?? 0;
    this.viewContext = {
      evaluator,
      plan,
      graph: snapshot.graph,
      data: viewData(data, snapshot.config),
      epoch: () => epochs,
    };
    return { views: this.computeShown(true), note: null };
  }

  /**
   * The views of a project's own trained model on the chosen data (see the Api's runViews), with the
   * feature choices of the views on screen; nothing on screen changes.
   */
  async runViews(req: {
    project: Project;
    data: DataChoice | null;
  }): Promise<{ views: TrainingViews | null; note: string | null }> {
    if (!req.project.weights) return { views: null, note: 'This run kept no weights, so its views cannot be drawn.' };
    if (!req.data) return { views: null, note: 'Choose the data in the Data panel to see its views.' };
    const snapshot = projectSnapshot(req.project);
    let data: SessionData;
    try {
      data = await this.resolveData(req.data, snapshot.config.seed);
    } catch (e) {
      return { views: null, note: `The views need the data: ${(e as Error).message}` };
    }
    const model = new CompiledModel(snapshot.graph);
    if (model.forward.features !== data.train.features || model.forward.targets !== data.train.targets)
      return { views: null, note: 'The chosen data does not fit this network, so its views are not shown.' };
    const views = computeViews(
      new ForwardEvaluator(model, snapshot.weights),
      planViews(model.forward, data.train.task),
      snapshot.graph,
      viewData(data, snapshot.config),
      snapshot.points.at(-1)?.epoch ?? 0,
      { evaluation: true, resolution: 64, ...this.viewChoices() },
    );
    return { views, note: null };
  }

  /** The views of a project's network with its starting weights, on the chosen data. */
  private async untrainedViews(
    project: Project,
    choice: DataChoice,
    ticket: number,
  ): Promise<{ views: TrainingViews | null; note: string | null }> {
    const snapshot = projectSnapshot(project, { untrained: true });
    const data = await this.resolveData(choice, snapshot.config.seed);
    if (ticket !== this.restores) return { views: null, note: null };
    const model = new CompiledModel(snapshot.graph);
    if (model.forward.features !== data.train.features || model.forward.targets !== data.train.targets)
      return { views: null, note: null };
    // A run started while the data was read owns the views now.
    if (this.session) return { views: null, note: null };
    const plan = planViews(model.forward, data.train.task);
    this.viewContext = {
      evaluator: new ForwardEvaluator(model, snapshot.weights),
      plan,
      graph: snapshot.graph,
      data: viewData(data, snapshot.config),
      epoch: () => 0,
    };
    return { views: this.computeShown(false), note: null };
  }

  private computeShown(evaluation: boolean): TrainingViews | null {
    const c = this.viewContext;
    if (!c) return null;
    return computeViews(c.evaluator, c.plan, c.graph, c.data, c.epoch(), {
      evaluation,
      resolution: 64,
      ...this.viewChoices(),
    });
  }

  private async drive(session: TrainingSession, plan: ViewPlan, data: ViewData): Promise<void> {
    const id = session.snapshot.id;
    const evaluator = new ForwardEvaluator(session.model, session.snapshot.weights);
    // How gradients flow, measured on the first training rows (none for the perceptron rule).
    const flow = probeFor(session.snapshot.graph, session.snapshot.config, session.trainer.train);
    const flowHistory = new FlowHistory();
    let epoch = 0;
    this.viewContext = { evaluator, plan, graph: session.snapshot.graph, data, epoch: () => epoch };
    // The chart's metrics, bounded however long the run: each progress event carries its snapshot.
    const history = new MetricHistory(PROGRESS_POINTS);
    let grew = false;
    let lastProgress = 0;
    let nextViews = 0;
    let batches = 1;
    let batch: { epoch: number; batch: number; batches: number; loss: number } | null = null;
    let epochs = 0;
    let rate = 0;
    let elapsed = 0;
    const flush = () => {
      this.emit({
        type: 'train-progress',
        runId: id,
        history: history.snapshot(),
        last: session.snapshot.points.at(-1) ?? null,
        epochs,
        samplesPerSec: rate,
        elapsedMs: elapsed,
        batch,
      });
      grew = false;
      lastProgress = now();
    };
    let lastEvaluation = 0;
    const views = async (evaluation: boolean) => {
      if (this.session !== session && this.shown !== session.snapshot) return;
      const t0 = now();
      if (evaluation) lastEvaluation = t0;
      const weights = await session.weights();
      evaluator.setWeights(weights);
      const views = computeViews(evaluator, plan, session.snapshot.graph, data, epoch, {
        evaluation,
        resolution: 64,
        ...this.viewChoices(),
      });
      if (flow) {
        flowHistory.add(epoch, flow.measure(weights));
        views.flow = flowHistory.view();
      }
      this.emit({ type: 'train-views', runId: id, views });
      const cost = now() - t0;
      nextViews = now() + Math.max(VIEWS_MS, cost * VIEWS_SHARE);
    };
    for await (const e of session.events()) {
      if (this.session !== session && e.type !== 'done') session.stop();
      switch (e.type) {
        case 'start':
          batches = e.batchesPerEpoch;
          epochs = e.epochs;
          this.emit({ type: 'train', runId: id, event: e });
          await views(false);
          break;
        case 'batch':
          batch = { epoch: e.epoch, batch: e.batch, batches, loss: e.loss };
          // A single step while paused: the readouts move with it.
          if (session.trainer.isPaused) flush();
          break;
        case 'epoch': {
          epoch = e.epoch + 1;
          rate = e.samplesPerSec;
          elapsed = e.elapsedMs;
          const point = session.snapshot.points.at(-1)!;
          history.push(point.epoch, Object.fromEntries(CHART_SERIES.map((k) => [k, point[k]])));
          grew = true;
          // A step while paused that ends an epoch: the chart and the epoch readout move with it now
          // (nothing else comes to flush it until the run resumes or stops).
          if (session.trainer.isPaused) flush();
          break;
        }
        case 'done':
          flush();
          await views(true);
          this.emit({ type: 'train', runId: id, event: e });
          if (this.session === session) this.session = null;
          return;
        case 'checkpoint':
          // The checkpoint stays in the engine (the page records it with the run); only its epoch goes out.
          this.emit({ type: 'train-checkpoint', runId: id, epoch: e.checkpoint.epoch });
          break;
        default: {
          flush();
          if (e.type === 'paused') await views(true);
          if (e.type === 'diverged') {
            const { epochStart, ...event } = e;
            const { config, graph } = session.snapshot;
            const why = await explainDivergence({
              graph,
              config,
              train: session.trainer.train,
              epochStart,
              batch: event.batch,
              probe: flow,
              history: flowHistory.view(),
              yieldToHost: setImmediatePromise,
            });
            this.emit({ type: 'train', runId: id, event: { ...event, ...why } });
          } else this.emit({ type: 'train', runId: id, event: e });
        }
      }
      if (now() - lastProgress >= PROGRESS_MS && (grew || batch)) flush();
      // The evaluation (confusion matrix, predictions) refreshes about once a second while training.
      if (now() >= nextViews && (e.type === 'epoch' || e.type === 'batch'))
        await views(now() - lastEvaluation >= EVALUATION_MS);
    }
  }

  private viewChoices() {
    return {
      ...(this.planeFeatures ? { features: this.planeFeatures } : {}),
      ...(this.spaceChoice ? { space: this.spaceChoice } : {}),
      ...(this.sampleChoice !== undefined ? { sample: this.sampleChoice } : {}),
      ...(this.curveFeature !== undefined ? { curveFeature: this.curveFeature } : {}),
      ...(this.projectionChoice ? { projection: this.projectionChoice } : {}),
    };
  }

  /** Choose the views' features, layers and sample; returns the views recomputed (null when none are shown). */
  viewOptions(opts: ViewChoice): TrainingViews | null {
    if (opts.features) this.planeFeatures = opts.features;
    if (opts.space) this.spaceChoice = opts.space;
    if (opts.sample !== undefined) this.sampleChoice = opts.sample;
    if (opts.curveFeature !== undefined) this.curveFeature = opts.curveFeature;
    if (opts.projection) this.projectionChoice = opts.projection;
    return this.computeShown(true);
  }

  /** Pause, resume, stop, or step the current run; false when none is running. */
  control(action: 'pause' | 'resume' | 'stop' | 'step'): { ok: boolean } {
    const s = this.session;
    if (!s) return { ok: false };
    if (action === 'pause') s.pause();
    else if (action === 'resume') s.resume();
    else if (action === 'stop') s.stop();
    else s.step();
    return { ok: true };
  }

  /** The model on screen as the project stores it (weights, run record, preprocessing); null when none. */
  lastRunRecord(): {
    weights: WeightsJson;
    run: RunRecord;
    training: TrainConfig;
    preprocessing: Preprocessing | null;
    checkpoints: CheckpointJson[];
  } | null {
    const s = this.shown;
    if (!s) return null;
    return {
      weights: weightsToJson(s.weights),
      run: runRecord(s),
      training: s.config,
      preprocessing: s.preprocessing,
      checkpoints: s.checkpoints.map((c) => checkpointToJson(c, s.id)),
    };
  }

  /**
   * One training step of the project with every number kept (nothing is trained): the given rows of
   * the training data, or the first mini-batch its run would draw; the weights on screen when they
   * are this graph's, else the project's, else the seed's.
   */
  async trace(req: {
    project: Project;
    data: DataChoice;
    rows: number[] | null;
    split?: SampleSplit;
  }): Promise<StepTrace> {
    const { project } = req;
    const config = project.training;
    const data = await this.resolveData(req.data, config.seed);
    const model = new CompiledModel(project.graph);
    const sameGraph = this.shown && JSON.stringify(this.shown.graph) === JSON.stringify(project.graph);
    const current = sameGraph ? (this.session ? await this.session.weights() : this.shown!.weights) : null;
    const previous = current ?? (project.weights ? projectSnapshot(project).weights : null);
    const { weights } = startingWeights(model, config, 'continue', previous);
    const trainer = new Trainer({
      graph: project.graph,
      model,
      config,
      train: data.train,
      ...(data.validation ? { validation: data.validation } : {}),
    });
    let batch: { x: Float32Array; y: Float32Array; rows: number };
    if (req.rows) {
      const split = req.split ?? 'train';
      const ds = split === 'train' ? trainer.train : split === 'test' ? data.test : trainer.validation;
      const part = split === 'train' ? 'training' : split;
      if (!ds) throw new RangeError(`This project's data has no ${part} rows to trace.`);
      const bad = req.rows.find((r) => r >= ds.rows);
      if (bad !== undefined) throw new RangeError(`Row ${bad} is out of range: the ${part} data has ${ds.rows} rows.`);
      const x = new Float32Array(req.rows.length * ds.features);
      const y = new Float32Array(req.rows.length * ds.targets);
      req.rows.forEach((r, i) => {
        x.set(ds.x.subarray(r * ds.features, (r + 1) * ds.features), i * ds.features);
        y.set(ds.y.subarray(r * ds.targets, (r + 1) * ds.targets), i * ds.targets);
      });
      batch = { x, y, rows: req.rows.length };
    } else {
      batch = trainer.firstBatch();
      if (batch.rows > MAX_TRACE_ROWS)
        throw new RangeError(
          `A traced step shows at most ${MAX_TRACE_ROWS} rows; this project's batch has ${batch.rows}. Lower the batch size or pick rows.`,
        );
    }
    return traceStep({ graph: project.graph, config, weights, batch });
  }

  /** Start a sweep in the background (one run after another); progress arrives as sweep-progress events. */
  async sweepStart(req: {
    project: Project;
    data: DataChoice;
    space: SweepSpace;
    mode: 'grid' | 'random';
    count: number;
  }): Promise<{ sweepId: string; runs: number }> {
    const settings = sweepSettings(req.space, req.mode, req.count, req.project.training.seed);
    const data = await this.resolveData(req.data, req.project.training.seed);
    const sweepId = `sweep${this.nextId++}`;
    const sweep = new Sweep(req.project, data, settings);
    this.sweeps.set(sweepId, sweep);
    void sweep
      .run(
        {
          createBackend: ({ model, config: c, weights, ep }) =>
            createOrtBackend({ graph: model, config: c, ep, weights }),
          now,
          yieldToHost: setImmediatePromise,
        },
        (result) => this.emit({ type: 'sweep-progress', sweepId, result: { ...result } }),
      )
      .catch((e: Error) => this.emit({ type: 'error', message: `The sweep stopped: ${e.message}` }));
    return { sweepId, runs: settings.length };
  }

  sweepStop(sweepId: string): { ok: boolean } {
    const s = this.sweeps.get(sweepId);
    s?.stop();
    return { ok: !!s };
  }

  sweepResult(sweepId: string, index: number): Project {
    const s = this.sweeps.get(sweepId);
    if (!s) throw new RangeError(`There is no sweep '${sweepId}'.`);
    return s.resultProject(index);
  }

  /** Export the model on screen. */
  async export(format: ExportFormat): Promise<ExportFile> {
    if (this.session) await this.session.weights();
    const s = this.shown;
    if (!s) throw new RangeError('There is no trained model to export yet: train the network first.');
    // A training script embeds the rows of the run on screen (without them it asks for --data FILE.csv).
    const d = this.session?.snapshot === s ? this.session.data : null;
    const choice = this.shownData;
    const files = scriptFilesOf(choice);
    return exportRun(s, format, {
      data: {
        ...(files && choice?.kind === 'builtin' ? { ref: choice, files } : {}),
        sets: d
          ? {
              train: d.train,
              ...(d.validation ? { validation: d.validation } : {}),
              ...(d.test ? { test: d.test } : {}),
            }
          : null,
      },
    });
  }
}
