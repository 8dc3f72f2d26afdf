/**
 * Training in the engine worker: one run at a time, driven by the Trainer, its events forwarded to
 * the page (epoch points batched ~20 times a second), views computed between epochs within a time
 * budget, and the last run kept for export. Also the data files the page uploads.
 */
import { buildForward } from '../../backprop/model.ts';
import { builtinDatasets } from '../../data/builtin/index.ts';
import type { Dataset } from '../../data/dataset.ts';
import { prepare } from '../../data/prepare.ts';
import type { Preprocessing } from '../../data/preprocess.ts';
import { summarize, summaryLine, type DatasetSummary } from '../../data/summary.ts';
import type { RawTable } from '../../data/table.ts';
import { parseGraph, type GraphDoc } from '../../graph/document.ts';
import type { ApiEvent } from '../../protocol/api.ts';
import type {
  BuiltinDatasetItem,
  DataChoice,
  DataShape,
  EpochPoint,
  ProviderInfo,
  TrainingViews,
} from '../../protocol/training.ts';
import type { TrainBackend, WeightSet } from '../../train/backend.ts';
import { makeTrainConfig, type TrainConfig } from '../../train/config.ts';
import type { RunRecord, WeightsJson } from '../../project/project.ts';
import { weightsToJson } from '../../project/weights.ts';
import { SeededRng } from '../../train/rng.ts';
import { initWeights } from '../../train/ts-backend.ts';
import { Trainer, type TrainEvent } from '../../train/trainer.ts';
import { ForwardEvaluator, planViews, type ViewPlan } from '../../views/index.ts';
import { checkParamCount } from '../../limits.ts';
import { loadTable } from '../data/load-table.ts';
import { envLimits } from '../limits.ts';
import { createOrtBackend, probeProviders } from '../ort/index.ts';
import { loadBuiltin } from '../resolve-dataset.ts';
import { computeViews } from './train-views.ts';

/** Progress events at most this often (ms): 20 a second keeps plots live without flooding the socket. */
const PROGRESS_MS = 50;
/** Views at most this often (ms), and never more than a third of the time (so training keeps going). */
const VIEWS_MS = 100;
const VIEWS_SHARE = 3;
const EVALUATION_MS = 1000;
/** Opened data tables kept at most; opening another releases the oldest. */
const MAX_OPEN_TABLES = 4;

/** What export needs from a finished (or paused) run. */
export interface RunSnapshot {
  id: string;
  name: string;
  graph: GraphDoc;
  config: TrainConfig;
  weights: WeightSet;
  preprocessing: Preprocessing | null;
  points: EpochPoint[];
  startedAt: string;
  stopReason: string | null;
}

interface ActiveRun {
  id: string;
  trainer: Trainer;
  snapshot: RunSnapshot;
}

const now = () => performance.now();
const setImmediatePromise = () => new Promise<void>((r) => setImmediate(r));

/** Training runs and uploaded data of one engine. */
export class TrainingService {
  private run: ActiveRun | null = null;
  private last: RunSnapshot | null = null;
  private readonly tables = new Map<string, { table: RawTable; fileName: string }>();
  private nextId = 1;
  /** The boundary's axes chosen by the user (null: the default pair). */
  private planeFeatures: [number, number] | null = null;
  private spaceChoice: { nodeId: string; method: 'exact' | 'first3' | 'pca' } | null = null;
  /** How to recompute the last run's views on request (after it ended, or while paused). */
  private viewContext: {
    evaluator: ForwardEvaluator;
    plan: ViewPlan;
    graph: GraphDoc;
    data: { train: Dataset; test?: Dataset | undefined };
    epoch: () => number;
  } | null = null;

  constructor(private readonly emit: (e: ApiEvent) => void) {}

  /** The built-in datasets with their parameters (digits is Node-only and listed too). */
  datasets(): BuiltinDatasetItem[] {
    const digits: BuiltinDatasetItem = {
      id: 'digits',
      name: 'MNIST digits',
      description: 'Real 28×28 handwritten digits from the MNIST set: 784 pixel features, 10 classes.',
      task: 'multiclass',
      params: [
        { name: 'count', type: 'int', default: 5000, min: 10, max: 10000, description: 'How many digits to load.' },
      ],
    };
    return [
      ...builtinDatasets.map((d) => ({
        id: d.id,
        name: d.name,
        description: d.description,
        task: d.task,
        params: d.params.map((p) => ({
          name: p.name,
          type: p.type,
          default: p.default,
          ...(p.min !== undefined ? { min: p.min } : {}),
          ...(p.max !== undefined ? { max: p.max } : {}),
          description: p.description,
        })),
      })),
      digits,
    ];
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
  ): Promise<{ dataId: string; summary: DatasetSummary }> {
    const table = await loadTable(file);
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
  summary(dataId: string, target: string | null): DatasetSummary {
    const t = this.tables.get(dataId);
    if (!t) throw new RangeError(`No data file is open under '${dataId}': open it again.`);
    return summarize(t.table, target ?? undefined);
  }

  private async resolveData(
    choice: DataChoice,
    seed: number,
  ): Promise<{
    train: Dataset;
    validation?: Dataset;
    test?: Dataset;
    preprocessing: Preprocessing | null;
    summary: string;
  }> {
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
      missing: choice.missing,
      split: { validation: choice.validation, test: choice.test, seed, stratify: true },
    });
    const line = summaryLine(summarize(t.table, choice.target));
    return {
      train: p.train,
      ...(p.validation ? { validation: p.validation } : {}),
      ...(p.test ? { test: p.test } : {}),
      preprocessing: p.preprocessing,
      summary: `${line}${p.dropped ? `; ${p.dropped} rows dropped for missing values` : ''}`,
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
    };
  }

  /** Start a run (stopping any in progress); resolves once it has started, training goes on in the background. */
  async start(req: {
    graph: unknown;
    training: unknown;
    data: DataChoice;
    name: string;
    ep: string | null;
    keepWeights?: boolean;
  }): Promise<{ runId: string; summary: string; kept: number }> {
    const previous = this.last;
    this.run?.trainer.stop();
    this.planeFeatures = null;
    this.spaceChoice = null;
    const parsed = parseGraph(req.graph);
    if (!parsed.ok)
      throw new RangeError(
        `The graph cannot be trained: ${parsed.problems
          .map((p) => p.message)
          .slice(0, 3)
          .join('; ')}`,
      );
    const graph = parsed.graph;
    const { maxParams } = envLimits();
    checkParamCount(buildForward(graph, { training: true }).params, maxParams);
    const config = makeTrainConfig(req.training);
    const data = await this.resolveData(req.data, config.seed);
    let initialWeights: WeightSet | undefined;
    let kept = 0;
    if (req.keepWeights && previous) {
      // Fresh weights from the seed, then the previous run's wherever name and shape still match.
      initialWeights = initWeights(buildForward(graph, { training: true }).params, new SeededRng(config.seed));
      for (const [name, w] of initialWeights) {
        const old = previous.weights.get(name);
        if (old && old.shape[0] === w.shape[0] && old.shape[1] === w.shape[1]) {
          initialWeights.set(name, { shape: w.shape, data: Float32Array.from(old.data) });
          kept++;
        }
      }
    }
    let backend: TrainBackend | undefined;
    if (config.backend === 'ort')
      backend = await createOrtBackend({
        graph,
        config,
        ep: req.ep ?? 'cpu',
        ...(initialWeights ? { weights: initialWeights } : {}),
      });
    const id = `run${this.nextId++}`;
    const trainer = new Trainer({
      graph,
      config,
      train: data.train,
      ...(data.validation ? { validation: data.validation } : {}),
      ...(backend ? { backend } : {}),
      ...(initialWeights && !backend ? { initialWeights } : {}),
      batchEvery: 1,
      maxParams,
      yieldToHost: setImmediatePromise,
      yieldEvery: 4,
      now,
    });
    const snapshot: RunSnapshot = {
      id,
      name: req.name,
      graph,
      config,
      weights: await trainer.backend.getWeights(),
      preprocessing: data.preprocessing,
      points: [],
      startedAt: new Date().toISOString(),
      stopReason: null,
    };
    const run: ActiveRun = { id, trainer, snapshot };
    this.run = run;
    this.last = snapshot;
    const fwd = buildForward(graph, { training: false });
    const plan = planViews(fwd, data.train.task);
    void this.drive(run, plan, { train: trainer.train, test: data.test ?? trainer.validation }).catch((e: Error) => {
      this.emit({ type: 'error', message: `Training stopped: ${e.message}` });
      this.emit({
        type: 'train',
        runId: id,
        event: {
          type: 'done',
          reason: 'stopped',
          epochs: snapshot.points.length,
          metrics: null,
          samplesPerSec: 0,
          elapsedMs: 0,
        },
      });
    });
    return { runId: id, summary: data.summary, kept };
  }

  private async drive(
    run: ActiveRun,
    plan: ViewPlan,
    data: { train: Dataset; test?: Dataset | undefined },
  ): Promise<void> {
    const { trainer, snapshot, id } = run;
    const evaluator = new ForwardEvaluator(snapshot.graph, snapshot.weights);
    this.viewContext = { evaluator, plan, graph: snapshot.graph, data, epoch: () => epoch };
    let pending: EpochPoint[] = [];
    let lastProgress = 0;
    let nextViews = 0;
    let batches = 1;
    let batch: { epoch: number; batch: number; batches: number; loss: number } | null = null;
    let epochs = 0;
    let rate = 0;
    let elapsed = 0;
    let epoch = 0;
    const flush = () => {
      this.emit({
        type: 'train-progress',
        runId: id,
        points: pending,
        epochs,
        samplesPerSec: rate,
        elapsedMs: elapsed,
        batch,
      });
      pending = [];
      lastProgress = now();
    };
    let lastEvaluation = 0;
    const views = async (evaluation: boolean) => {
      const t0 = now();
      if (evaluation) lastEvaluation = t0;
      snapshot.weights = await trainer.backend.getWeights();
      evaluator.setWeights(snapshot.weights);
      this.emit({
        type: 'train-views',
        runId: id,
        views: computeViews(evaluator, plan, snapshot.graph, data, epoch, {
          evaluation,
          resolution: 64,
          ...this.viewChoices(),
        }),
      });
      const cost = now() - t0;
      nextViews = now() + Math.max(VIEWS_MS, cost * VIEWS_SHARE);
    };
    for await (const e of trainer.run()) {
      if (this.run !== run && e.type !== 'done') trainer.stop();
      switch (e.type) {
        case 'start':
          batches = e.batchesPerEpoch;
          epochs = e.epochs;
          this.emit({ type: 'train', runId: id, event: e });
          await views(false);
          break;
        case 'batch':
          batch = { epoch: e.epoch, batch: e.batch, batches, loss: e.loss };
          break;
        case 'epoch': {
          epoch = e.epoch + 1;
          rate = e.samplesPerSec;
          elapsed = e.elapsedMs;
          const m = e.metrics;
          const point: EpochPoint = { epoch: e.epoch + 1, loss: m.loss, lr: e.lr };
          if (m.accuracy !== undefined) point.accuracy = m.accuracy;
          if (m.val_loss !== undefined) point.val_loss = m.val_loss;
          if (m.val_accuracy !== undefined) point.val_accuracy = m.val_accuracy;
          pending.push(point);
          snapshot.points.push(point);
          break;
        }
        case 'done':
          snapshot.stopReason = e.reason;
          flush();
          await views(true);
          this.emit({ type: 'train', runId: id, event: e });
          if (this.run === run) this.run = null;
          await trainer.backend.dispose?.();
          return;
        default:
          flush();
          if (e.type === 'paused') await views(true);
          this.emit({ type: 'train', runId: id, event: e as TrainEvent });
      }
      if (now() - lastProgress >= PROGRESS_MS && (pending.length || batch)) flush();
      // The evaluation (confusion matrix, predictions) refreshes about once a second while training.
      if (now() >= nextViews && (e.type === 'epoch' || e.type === 'batch'))
        await views(now() - lastEvaluation >= EVALUATION_MS);
    }
  }

  private viewChoices() {
    return {
      ...(this.planeFeatures ? { features: this.planeFeatures } : {}),
      ...(this.spaceChoice ? { space: this.spaceChoice } : {}),
    };
  }

  /** Choose the boundary's two features and the 3-D view's layer; returns the last run's views recomputed (null before any run). */
  viewOptions(opts: {
    features?: [number, number];
    space?: { nodeId: string; method: 'exact' | 'first3' | 'pca' };
  }): TrainingViews | null {
    if (opts.features) this.planeFeatures = opts.features;
    if (opts.space) this.spaceChoice = opts.space;
    const c = this.viewContext;
    if (!c) return null;
    return computeViews(c.evaluator, c.plan, c.graph, c.data, c.epoch(), {
      evaluation: true,
      resolution: 64,
      ...this.viewChoices(),
    });
  }

  /** Pause, resume, stop, or step the current run; false when none is running. */
  control(action: 'pause' | 'resume' | 'stop' | 'step'): { ok: boolean } {
    const t = this.run?.trainer;
    if (!t) return { ok: false };
    if (action === 'pause') t.pause();
    else if (action === 'resume') t.resume();
    else if (action === 'stop') t.stop();
    else t.stepOnce();
    return { ok: true };
  }

  /** The last run as the project stores it (weights, record, preprocessing); null before any run. */
  lastRunRecord(): { weights: WeightsJson; run: RunRecord; preprocessing: unknown } | null {
    const s = this.last;
    if (!s) return null;
    const last = s.points.at(-1);
    const run: RunRecord = {
      id: `${s.startedAt}-${s.id}`,
      startedAt: s.startedAt,
      config: s.config as unknown as Record<string, unknown>,
      epochs: s.points.map((p) => ({ ...p })),
      ...(last ? { final: { ...last } } : {}),
      ...(s.stopReason ? { stopReason: s.stopReason } : {}),
    };
    return { weights: weightsToJson(s.weights), run, preprocessing: s.preprocessing };
  }

  /** The last run (running, paused or done) with its current weights, for export. */
  lastRun(): RunSnapshot {
    if (!this.last) throw new RangeError('Nothing to export yet: train the network first.');
    return this.last;
  }
}
