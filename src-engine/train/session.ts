/**
 * One training session: everything around the Trainer that the app's worker and the CLI both need,
 * decided in one place — the compiled model, the data (resolved by the host), the backend, the
 * weights a run starts from, the events of the run, the record it leaves in the project and the
 * snapshot its exports are made from. The worker adds uploads, throttling and views; the CLI adds
 * arguments and printing.
 */
import type { Dataset } from '../data/dataset.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import { CompiledModel } from '../model/compile.ts';
import type { CheckpointJson, Project, RunRecord, WeightsJson } from '../project/project.ts';
import { weightsFromJson, weightsToJson } from '../project/weights.ts';
import { SeededRng } from '../tensor/rng.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainBackend } from './backend.ts';
import { autoFallback, chooseBackend, type BackendChoice } from './backend-choice.ts';
import type { TrainConfig } from './config.ts';
import { countCorrect } from './metrics.ts';
import { toTargetUnits } from '../data/target-scale.ts';
import { regressionReport } from '../views/evaluation.ts';
import { Trainer, type Checkpoint, type EpochMetrics, type StopReason, type TrainEvent } from './trainer.ts';
import { ForwardEvaluator } from '../views/source.ts';
import { compactRecords, numericRecord, RUN_RECORD_POINTS } from '../views/history.ts';

/** Data for a run: training rows and, when there are any, validation and test rows. */
export interface SessionData {
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
  preprocessing?: Preprocessing | null;
  /** One line describing the data. */
  summary: string;
}

/**
 * Where a run's weights start: 'fresh' draws them from the seed; 'continue' takes the given weights
 * for every parameter whose name and shape still match (fresh ones for the rest).
 */
export type StartPolicy = 'fresh' | 'continue';

/** One finished epoch as the plots and the project record keep it: its metrics, number and learning rate. */
export interface EpochPoint extends EpochMetrics {
  epoch: number;
  lr: number;
}

/** What a run leaves for exports and the project: the model, its weights and its history. */
export interface RunSnapshot {
  id: string;
  name: string;
  graph: GraphDoc;
  config: TrainConfig;
  weights: WeightSet;
  preprocessing: Preprocessing | null;
  /**
   * The run's epochs as the project records them: one point per epoch up to RUN_RECORD_POINTS, then
   * compacted (a point's `epoch` is the last epoch it covers, its metrics the means), so a long run
   * stays bounded. The newest point is always the last epoch's own.
   */
  points: EpochPoint[];
  startedAt: string;
  stopReason: StopReason | null;
  /** Metrics on the held-out test rows, when there are any. */
  test?: Record<string, number>;
  /** Checkpoints kept (every n-th epoch, thinned to the budget). */
  checkpoints: Checkpoint[];
  /** The run's compiled model, where it ran in this process: exports use it instead of compiling `graph` again. */
  model?: CompiledModel;
}

export interface SessionDeps {
  /** A backend other than the TypeScript engine (ONNX Runtime), for a compiled model and starting weights. */
  createBackend?(req: {
    kind: 'ort';
    model: CompiledModel;
    config: TrainConfig;
    weights: WeightSet;
    ep: string;
  }): Promise<TrainBackend & { providerNote?: string }>;
  now?(): number;
  /** Gives the host's event loop a turn (pause and stop messages arrive). */
  yieldToHost?(): Promise<void>;
}

export interface SessionRequest {
  graph: GraphDoc;
  /** The graph already compiled by the host (to check its size before loading data); else compiled here. */
  model?: CompiledModel;
  config: TrainConfig;
  /** Project name (run records and export file names). */
  name: string;
  data: SessionData;
  start: StartPolicy;
  /** Weights to continue from (the project's, or a paused run's). */
  weights?: WeightSet | null;
  /** Execution provider for ONNX Runtime. */
  ep?: string | null;
  /** Emit a 'batch' event every k batches (0: never). */
  batchEvery?: number;
  yieldEvery?: number;
  /** Run id (default: a timestamp). */
  id?: string;
  /** The cap on trainable parameters (see src-engine/limits.ts). */
  maxParams?: number;
  /** Keep a checkpoint at the end of every n-th epoch (within CHECKPOINT_BUDGET). */
  checkpointEvery?: number;
  /** Numbers the kept checkpoints may hold together (default CHECKPOINT_BUDGET; a sweep gives each run its share). */
  checkpointBudget?: number;
  /** Continue from this checkpoint (to config.epochs); its weights replace `weights`. */
  resume?: Checkpoint;
  /** Keep each epoch's starting state, so a divergence can be replayed and explained (TrainerOptions.keepEpochStart). */
  keepEpochStart?: boolean;
}

/** Numbers all kept checkpoints of a run may hold together (about 40 MB as project JSON). */
export const CHECKPOINT_BUDGET = 4_000_000;

/** Starting weights under a policy: fresh from the seed, then the given ones wherever they still fit. */
export function startingWeights(
  model: CompiledModel,
  config: TrainConfig,
  policy: StartPolicy,
  previous: WeightSet | null | undefined,
): { weights: WeightSet; kept: number; total: number } {
  const weights = model.initialWeights(new SeededRng(config.seed));
  let kept = 0;
  if (policy === 'continue' && previous) {
    for (const [name, w] of weights) {
      const old = previous.get(name);
      if (old && old.shape.length === w.shape.length && old.shape.every((d, i) => d === w.shape[i])) {
        weights.set(name, { shape: w.shape, data: Float32Array.from(old.data) });
        kept++;
      }
    }
  }
  return { weights, kept, total: weights.size };
}

/** What a run record is made from: a session's snapshot, or a checkpoint's history (json-export.ts). */
export interface RunParts {
  id: string;
  startedAt: string;
  config: Readonly<Record<string, unknown>>;
  points: readonly Readonly<Partial<Record<keyof EpochPoint, number>>>[];
  stopReason?: StopReason | null;
  test?: Record<string, number>;
  graph?: GraphDoc;
}

/**
 * The run record a project keeps (one builder for the app's and the CLI's runs and for runs imported
 * with a checkpoint): its epochs bounded by RUN_RECORD_POINTS like a session's.
 */
export function runRecord(s: RunParts): RunRecord {
  const last = s.points.at(-1);
  const final: Record<string, number> = {};
  if (last)
    for (const [k, v] of Object.entries(last)) if (typeof v === 'number' && k !== 'epoch' && k !== 'lr') final[k] = v;
  if (s.test) Object.assign(final, s.test);
  return {
    id: s.id,
    startedAt: s.startedAt,
    config: { ...s.config },
    epochs: boundedRecords(s.points.map(numericRecord)),
    final,
    ...(s.stopReason ? { stopReason: s.stopReason } : {}),
    ...(s.graph ? { graph: s.graph } : {}),
  };
}

/** Epoch records bounded to RUN_RECORD_POINTS: compacted beyond it, the last epoch's own record kept newest. */
function boundedRecords(records: readonly Record<string, number>[]): Record<string, number>[] {
  if (records.length <= RUN_RECORD_POINTS) return [...records];
  return [...compactRecords(records.slice(0, -1)), records.at(-1)!];
}

/** A run id from its start time: sortable, unique per millisecond, safe in file names. */
export function runId(startedAt: string): string {
  return `run-${startedAt.replace(/[-:.]/g, '').replace('T', '-').replace('Z', '')}`;
}

/** One run: start it, iterate its events, control it, and read its snapshot. */
export class TrainingSession {
  readonly model: CompiledModel;
  readonly trainer: Trainer;
  readonly snapshot: RunSnapshot;
  /** Parameters carried over from the given weights (start 'continue'). */
  readonly kept: number;
  readonly total: number;
  /** The backend the run trains on and why (the 'auto' choice is made in ./backend-choice.ts). */
  readonly backend: BackendChoice;
  /** One line about the backend: which (ONNX Runtime's provider and threads) and why. */
  readonly backendNote: string;
  private ended = false;

  private constructor(
    readonly request: SessionRequest,
    model: CompiledModel,
    trainer: Trainer,
    start: { kept: number; total: number },
    backend: BackendChoice,
    providerNote: string | null,
  ) {
    this.model = model;
    this.trainer = trainer;
    this.kept = start.kept;
    this.total = start.total;
    this.backend = backend;
    const which =
      providerNote ??
      (backend.backend === 'perceptron' ? 'backend: the perceptron rule' : 'backend: the TypeScript engine');
    this.backendNote = `${which}; ${backend.reason}`;
    const startedAt = new Date().toISOString();
    this.snapshot = {
      id: request.id ?? runId(startedAt),
      name: request.name,
      graph: request.graph,
      config: request.config,
      weights: new Map(),
      preprocessing: request.data.preprocessing ?? null,
      points: [],
      startedAt,
      stopReason: null,
      checkpoints: [],
      model,
    };
  }

  /** Compile the model, choose the starting weights and the backend, and set up the trainer. */
  static async start(deps: SessionDeps, req: SessionRequest): Promise<TrainingSession> {
    const model = req.model?.graph === req.graph ? req.model : new CompiledModel(req.graph);
    const start = startingWeights(model, req.config, req.start, req.weights);
    // Rows the trainer will train on (a validation split is carved from them when there is none).
    const rows = req.data.validation
      ? req.data.train.rows
      : Math.round(req.data.train.rows * (1 - req.config.validationSplit));
    let choice = chooseBackend({ model, config: req.config, rows, ortAvailable: Boolean(deps.createBackend) });
    let backend: (TrainBackend & { providerNote?: string }) | undefined;
    if (choice.backend === 'ort') {
      if (!deps.createBackend) throw new Error('The ONNX Runtime backend is not available here.');
      try {
        backend = await deps.createBackend({
          kind: 'ort',
          model,
          config: req.config,
          weights: start.weights,
          ep: req.ep ?? 'cpu',
        });
      } catch (e) {
        // Asked for ONNX Runtime: its error is the answer. Chosen by 'auto': train on the TypeScript engine.
        if (req.config.backend !== 'auto') throw e;
        choice = autoFallback((e as Error).message);
      }
    }
    let trainer: Trainer;
    try {
      trainer = new Trainer({
        graph: req.graph,
        model,
        config: req.config,
        train: req.data.train,
        ...(req.data.validation ? { validation: req.data.validation } : {}),
        initialWeights: start.weights,
        ...(backend ? { backend } : {}),
        ...(req.batchEvery !== undefined ? { batchEvery: req.batchEvery } : {}),
        ...(deps.yieldToHost ? { yieldToHost: deps.yieldToHost } : {}),
        ...(req.yieldEvery !== undefined ? { yieldEvery: req.yieldEvery } : {}),
        ...(deps.now ? { now: deps.now } : {}),
        ...(req.maxParams !== undefined ? { maxParams: req.maxParams } : {}),
        ...((req.checkpointEvery ?? req.config.checkpointEvery)
          ? { checkpointEvery: req.checkpointEvery ?? req.config.checkpointEvery }
          : {}),
        ...(req.resume ? { resume: req.resume } : {}),
        ...(req.keepEpochStart ? { keepEpochStart: true } : {}),
      });
    } catch (e) {
      await backend?.dispose?.();
      throw e;
    }
    const session = new TrainingSession(req, model, trainer, start, choice, backend?.providerNote ?? null);
    session.snapshot.weights = await trainer.backend.getWeights();
    return session;
  }

  get data(): SessionData {
    return this.request.data;
  }

  /**
   * Run to the end, yielding the trainer's events. Epoch points and the final weights go into the
   * snapshot; test metrics are computed before the backend is released.
   */
  async *events(): AsyncGenerator<TrainEvent> {
    try {
      for await (const e of this.trainer.run()) {
        if (e.type === 'start') {
          yield { ...e, backendReason: this.backend.reason };
          continue;
        }
        if (e.type === 'epoch') {
          const points = this.snapshot.points;
          points.push(epochPoint(e.epoch, e.metrics, e.lr));
          // Bounded (see RunSnapshot.points); the last epoch's own point stays the newest.
          if (points.length > RUN_RECORD_POINTS)
            this.snapshot.points = boundedRecords(points.map(numericRecord)).map(pointFromRecord);
        }
        if (e.type === 'checkpoint')
          keepCheckpoint(this.snapshot.checkpoints, e.checkpoint, this.request.checkpointBudget ?? CHECKPOINT_BUDGET);
        if (e.type === 'done') {
          this.snapshot.stopReason = e.reason;
          this.snapshot.weights = await this.trainer.backend.getWeights();
          if (this.data.test) this.snapshot.test = await this.testMetrics(this.data.test);
        }
        yield e;
      }
    } finally {
      await this.close();
    }
  }

  /** Run to the end and return the final event. */
  async runToEnd(onEvent?: (e: TrainEvent) => void): Promise<Extract<TrainEvent, { type: 'done' }>> {
    let done: Extract<TrainEvent, { type: 'done' }> | null = null;
    for await (const e of this.events()) {
      onEvent?.(e);
      if (e.type === 'done') done = e;
    }
    if (!done) throw new Error('Training ended without a done event');
    return done;
  }

  pause(): void {
    this.trainer.pause();
  }
  resume(): void {
    this.trainer.resume();
  }
  stop(): void {
    this.trainer.stop();
  }
  step(): void {
    this.trainer.stepOnce();
  }

  /** The current weights (also while paused); kept in the snapshot. */
  async weights(): Promise<WeightSet> {
    if (!this.ended) this.snapshot.weights = await this.trainer.backend.getWeights();
    return this.snapshot.weights;
  }

  /**
   * Predictions of the current weights for n rows, by the engine's forward pass (any backend, also
   * after the run); regression values in the target's own units.
   */
  async predict(x: Float32Array, n: number): Promise<ArrayLike<number>> {
    const evaluator = new ForwardEvaluator(this.model, await this.weights());
    return toTargetUnits(evaluator.runForward(x, n, [this.model.forward.pred])[0]!, this.data.train.targetScale);
  }

  /** Loss and accuracy (classifiers) or MSE, RMSE, MAE and R² (regression, in the target's units) on held-out rows. */
  async testMetrics(ds: Dataset): Promise<Record<string, number>> {
    const { loss, pred } = await this.trainer.backend.evaluate(ds.x, ds.y, ds.rows);
    if (ds.task === 'regression') {
      const r = regressionReport(toTargetUnits(pred, ds.targetScale), toTargetUnits(ds.y, ds.targetScale));
      return { test_loss: loss, test_mse: r.mse, test_rmse: r.rmse, test_mae: r.mae, test_r2: r.r2 ?? 0 };
    }
    return {
      test_loss: loss,
      test_accuracy: countCorrect(pred, ds.y, ds.rows, ds.targets, this.model.forward.decision) / ds.rows,
    };
  }

  /** The record the project keeps of this run. */
  record(): RunRecord {
    return runRecord(this.snapshot);
  }

  /** Release the backend (ONNX Runtime sessions); the snapshot stays readable. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.trainer.backend.dispose?.();
  }
}

/** A saved epoch record (the project file's form, checked by its schema) as an epoch point: the known metrics. */
export function pointFromRecord(r: Readonly<Record<string, number>>): EpochPoint {
  return epochPoint((r.epoch ?? 0) - 1, { ...r, loss: r.loss ?? NaN }, r.lr ?? NaN);
}

function epochPoint(epoch: number, m: EpochMetrics, lr: number): EpochPoint {
  const point: EpochPoint = { epoch: epoch + 1, loss: m.loss, lr };
  for (const k of [
    'accuracy',
    'mse',
    'rmse',
    'mae',
    'r2',
    'val_loss',
    'val_accuracy',
    'val_mse',
    'val_rmse',
    'val_mae',
    'val_r2',
  ] as const) {
    const v = m[k];
    if (v !== undefined) point[k] = v;
  }
  return point;
}

/** The project's fitted preprocessing when it looks like one (older projects may have none). */
export function projectPreprocessing(project: Project): Preprocessing | null {
  const p = project.preprocessing as Partial<Preprocessing> | undefined;
  return p && Array.isArray(p.inputs) && Array.isArray(p.featureNames) && p.target ? (p as Preprocessing) : null;
}

/**
 * A project's model as a run snapshot — the project is the truth: its weights, preprocessing and last
 * run's history, so views and exports work after reopening without training again. Without trained
 * weights it throws, unless `untrained` asks for the seed's starting weights (a training-step export).
 */
export function projectSnapshot(project: Project, opts: { untrained?: boolean; fileName?: string } = {}): RunSnapshot {
  const file = opts.fileName ?? project.name;
  let weights: WeightSet;
  if (project.weights) {
    // Every parameter the network declares, in its exact shape, finite (ProjectError names the one that is not).
    try {
      weights = weightsFromJson(project.weights, project.graph);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
    }
  } else if (opts.untrained) {
    weights = startingWeights(new CompiledModel(project.graph), project.training, 'fresh', null).weights;
  } else {
    throw new Error(`${file} has no trained weights yet: train it first.`);
  }
  const last = project.runs.at(-1);
  return {
    id: last?.id ?? 'untrained',
    name: project.name,
    graph: project.graph,
    config: project.training,
    weights,
    preprocessing: projectPreprocessing(project),
    points: (last?.epochs ?? []).map(pointFromRecord),
    startedAt: last?.startedAt ?? new Date(0).toISOString(),
    stopReason: (last?.stopReason as StopReason | undefined) ?? null,
    checkpoints: (project.checkpoints ?? []).map((c) => checkpointFromJson(c, project.graph)),
  };
}

/** Numbers a checkpoint holds. */
export function checkpointSize(c: Checkpoint): number {
  let n = 0;
  for (const set of [c.weights, c.state, c.keep, c.early?.weights])
    if (set) for (const w of set.values()) n += w.data.length;
  return n;
}

/** Add a checkpoint; over the budget, every other older one goes (the newest and the first stay). */
export function keepCheckpoint(list: Checkpoint[], c: Checkpoint, budget = CHECKPOINT_BUDGET): void {
  list.push(c);
  while (list.length > 2 && list.reduce((a, x) => a + checkpointSize(x), 0) > budget) {
    const older = list.slice(1, -1).filter((_, i) => i % 2 === 1);
    list.splice(0, list.length, list[0]!, ...older, list.at(-1)!);
  }
  if (list.length === 2 && list.reduce((a, x) => a + checkpointSize(x), 0) > budget) list.shift();
}

/** A checkpoint as the project stores it. */
export function checkpointToJson(c: Checkpoint, runId: string): CheckpointJson {
  return {
    runId,
    epoch: c.epoch,
    t: c.t,
    weights: weightsToJson(c.weights),
    state: weightsToJson(c.state),
    maskRng: c.maskRng,
    augmentRng: c.augmentRng ?? null,
    watch: c.watch,
    keep: c.keep ? weightsToJson(c.keep) : null,
    early: c.early ? { ...c.early, weights: weightsToJson(c.early.weights) } : null,
  };
}

/** A stored checkpoint for a graph (its weights checked against the graph). */
export function checkpointFromJson(c: CheckpointJson, graph: GraphDoc): Checkpoint {
  const raw = (j: WeightsJson): WeightSet =>
    new Map(Object.entries(j).map(([k, w]) => [k, { shape: [...w.shape], data: Float32Array.from(w.data) }]));
  return {
    epoch: c.epoch,
    t: c.t,
    weights: weightsFromJson(c.weights, graph),
    state: raw(c.state),
    maskRng: c.maskRng,
    augmentRng: c.augmentRng ?? null,
    watch: c.watch,
    keep: c.keep ? weightsFromJson(c.keep, graph) : null,
    early: c.early ? { ...c.early, weights: weightsFromJson(c.early.weights, graph) } : null,
  };
}
