/**
 * The trainer: epochs of shuffled mini-batches through a backend, emitting typed events. It never
 * draws. Pause, resume, stop and single-step are methods; divergence (a NaN or Inf loss or weight,
 * or a loss that explodes: see divergence.ts) stops the run and restores the best weights it kept.
 */
import type { Dataset } from '../data/dataset.ts';
import type { DecisionRule } from '../losses/index.ts';
import type { GraphDoc } from '../graph/document.ts';
import { CompiledModel, initWeights } from '../model/compile.ts';
import type { TrainBackend } from './backend.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from './config.ts';
import type { FlowView } from '../lab/flow.ts';
import { MetricAccumulator, targetVariance, type Metrics } from './metrics.ts';
import { SeededRng, shuffleInPlace, type RngState } from '../tensor/rng.ts';
import { TsBackend } from './ts-backend.ts';
import { PerceptronBackend } from './perceptron.ts';
import { DivergenceWatch, type DivergenceWatchState } from './divergence.ts';
import { checkParamCount, DEFAULT_LIMITS } from '../limits.ts';
import { Augmenter, augments } from '../data/augment.ts';

export interface EpochMetrics extends Metrics {
  val_loss?: number;
  val_accuracy?: number;
  val_mse?: number;
  val_rmse?: number;
  val_mae?: number;
  val_r2?: number;
}

export type StopReason = 'completed' | 'stopped' | 'diverged' | 'early_stop';

/**
 * Everything a run needs to continue from the end of an epoch exactly as it would have: weights,
 * optimizer state, the step count, the dropout-mask and augmentation generators, and what the divergence
 * watch and early stopping remember. (The shuffling generator is replayed from the seed.) Replaying from a checkpoint
 * with unchanged settings is bit-identical to the original run.
 */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  t: number;
  weights: WeightSet;
  /** Optimizer state (`<param>.<m|v|s>`); empty for optimizers without state. */
  state: WeightSet;
  maskRng: RngState | null;
  /** The augmentation generator (image shifts and flips); null without augmentation. */
  augmentRng?: RngState | null;
  watch: DivergenceWatchState | null;
  /** The weights a divergence would roll back to, when they are not `weights`. */
  keep: WeightSet | null;
  /** Early stopping's best value, epochs since it, and its weights. */
  early: { value: number; sinceBest: number; weights: WeightSet } | null;
}

export type TrainEvent =
  | {
      type: 'start';
      epochs: number;
      batchesPerEpoch: number;
      batchSize: number;
      rows: number;
      backend: string;
      /** Why this backend (the training session adds it: 'auto' picks, see backend-choice.ts). */
      backendReason?: string;
      params: number;
    }
  | { type: 'batch'; epoch: number; batch: number; loss: number }
  | { type: 'epoch'; epoch: number; metrics: EpochMetrics; lr: number; samplesPerSec: number; elapsedMs: number }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'paused'; epoch: number; batch: number }
  | { type: 'resumed' }
  /**
   * `message`: what happened and which weights were restored. `advice`: what to try; the trainer's is
   * general (a smaller learning rate, clipping), hosts that measured the flow replace it with which
   * layer's gradients blew up first and a learning rate to try, and add `replay`: the flow measured
   * step by step through the epoch that diverged, replayed (lab/flow.ts, flowToDivergence).
   * `epochStart`: the run's state at the start of the epoch it diverged in (with `keepEpochStart`), from
   * which a replay reaches the blow-up step by step (see lab/flow.ts).
   */
  | {
      type: 'diverged';
      epoch: number;
      batch: number;
      message: string;
      advice: string;
      replay?: FlowView;
      epochStart?: Checkpoint;
    }
  | { type: 'early_stop'; epoch: number; message: string }
  | {
      type: 'done';
      reason: StopReason;
      epochs: number;
      metrics: EpochMetrics | null;
      samplesPerSec: number;
      elapsedMs: number;
    };

export interface TrainerOptions {
  graph: GraphDoc;
  /** The graph compiled (shared with the backend and views); compiled here when absent. */
  model?: CompiledModel;
  config: TrainConfig;
  train: Dataset;
  /** Held-out rows for validation metrics; if absent, `config.validationSplit` carves them from `train`. */
  validation?: Dataset;
  /** Start from these weights instead of fresh ones. */
  initialWeights?: WeightSet;
  /** Use this backend (default: the eager TypeScript engine). */
  backend?: TrainBackend;
  /** Emit a 'batch' event every k batches (0: never). */
  batchEvery?: number;
  /** Gives the host's event loop a turn (e.g. setImmediate) so pause/stop messages arrive; called between epochs and every `yieldEvery` batches. */
  yieldToHost?: () => Promise<void>;
  yieldEvery?: number;
  /** Timer in milliseconds (performance.now in hosts); defaults to Date.now. */
  now?: () => number;
  /** Most trainable parameters the network may have (default: the engine's limit). */
  maxParams?: number;
  /** Emit a checkpoint event at the end of every n-th epoch (0 or absent: never). */
  checkpointEvery?: number;
  /** Continue from a checkpoint (its epoch onwards, to config.epochs). */
  resume?: Checkpoint;
  /**
   * Keep the state at the start of every epoch (a copy of the weights and optimizer state an epoch) and
   * hand it out with a divergence: what explains it (which layer's gradients blew up first) replays from it.
   */
  keepEpochStart?: boolean;
}

/** Learning rate for an epoch under the configured schedule. */
export function scheduledLr(config: TrainConfig, epoch: number): number {
  const base = config.optimizer.lr;
  const s = config.schedule;
  switch (s.kind) {
    case 'constant':
      return base;
    case 'step':
      return base * s.factor ** Math.floor(epoch / s.everyEpochs);
    case 'cosine':
      return s.minLr + (base - s.minLr) * 0.5 * (1 + Math.cos((Math.PI * epoch) / config.epochs));
  }
}

/** Split rows into train and validation by a seeded permutation. */
export function splitValidation(
  ds: Dataset,
  fraction: number,
  seed: number,
): { train: Dataset; validation: Dataset | undefined } {
  if (fraction <= 0) return { train: ds, validation: undefined };
  const order = Array.from({ length: ds.rows }, (_, i) => i);
  shuffleInPlace(order, new SeededRng(seed ^ 0x27d4eb2f));
  const nVal = Math.max(1, Math.round(ds.rows * fraction));
  const pick = (idx: number[], name: string): Dataset => {
    const x = new Float32Array(idx.length * ds.features);
    const y = new Float32Array(idx.length * ds.targets);
    idx.forEach((r, i) => {
      x.set(ds.x.subarray(r * ds.features, (r + 1) * ds.features), i * ds.features);
      y.set(ds.y.subarray(r * ds.targets, (r + 1) * ds.targets), i * ds.targets);
    });
    return { ...ds, name, x, y, rows: idx.length };
  };
  return { train: pick(order.slice(nVal), ds.name), validation: pick(order.slice(0, nVal), `${ds.name} (validation)`) };
}

/** Copy rows order[start..start+rows) of a row-major matrix into `out` (no allocation: this is the hot path). */
function gatherRows(
  src: Float32Array,
  order: Uint32Array,
  start: number,
  rows: number,
  width: number,
  out: Float32Array,
): void {
  if (width >= 64) {
    for (let i = 0; i < rows; i++) {
      const r = order[start + i]!;
      out.set(src.subarray(r * width, r * width + width), i * width);
    }
    return;
  }
  for (let i = 0, o = 0; i < rows; i++) {
    const base = order[start + i]! * width;
    for (let j = 0; j < width; j++) out[o++] = src[base + j]!;
  }
}

/** Whether every weight is a finite number. */
function allFinite(w: WeightSet): boolean {
  for (const { data } of w.values()) for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

/** Training rows whose loss under the starting weights is the divergence watch's reference. */
export const INITIAL_LOSS_ROWS = 2048;

export class Trainer {
  readonly backend: TrainBackend;
  readonly train: Dataset;
  readonly validation: Dataset | undefined;
  private paused = false;
  private stopRequested = false;
  private stepsAllowed = 0;
  private wake: (() => void) | null = null;
  private readonly shuffleRng: SeededRng;
  /** How outputs become classes (accuracy). */
  readonly decision: DecisionRule;
  /** Shifts and flips training batches of images, when the config asks for it. */
  private readonly augmenter: Augmenter | null;
  private readonly augmentRng: SeededRng | null;

  constructor(private readonly opts: TrainerOptions) {
    const { config, graph } = opts;
    const split = opts.validation
      ? { train: opts.train, validation: opts.validation }
      : splitValidation(opts.train, config.validationSplit, config.seed);
    this.train = split.train;
    this.validation = split.validation;
    const model = opts.model ?? new CompiledModel(graph);
    const fwd = model.forward;
    this.decision = fwd.decision;
    const layer = `The Input layer '${fwd.inputNode.label ?? fwd.inputNode.id}'`;
    const image = fwd.inputShape.length === 3 ? (fwd.inputShape as [number, number, number]) : null;
    const dataShape = this.train.sampleShape;
    // Images against images are compared as images (a 1×28×28 Input on 3×16×16 pictures), before their sizes.
    if (image && dataShape && image.some((d, i) => d !== dataShape[i])) {
      throw new Error(
        `${layer} takes ${image.join('×')} images (channels × height × width) but the data's images are ${dataShape.join('×')}. Set the Input's shape to ${dataShape.join('×')}.`,
      );
    }
    if (fwd.features !== this.train.features) {
      const names = `${this.train.featureNames.slice(0, 5).join(', ')}${this.train.features > 5 ? ', …' : ''}`;
      throw new Error(
        image
          ? `${layer} takes ${image.join('×')} images, ${fwd.features} values a sample, but the data has ${this.train.features} features (${names}). Give the Input a shape of ${this.train.features} values, or use data with ${fwd.features} values a row.`
          : `${layer} takes ${fwd.features} features but the data has ${this.train.features} (${names}). Set the Input's features to ${this.train.features}.`,
      );
    }
    if (augments(config.augment) && !image)
      throw new Error(
        'Augmentation (shifts and flips) works on images: set the Input to an image shape, or turn augmentation off.',
      );
    this.augmentRng = image && augments(config.augment) ? new SeededRng((config.seed ^ 0x3c6ef372) >>> 0) : null;
    this.augmenter = this.augmentRng ? new Augmenter(image!, config.augment, this.augmentRng) : null;
    if (fwd.targets !== this.train.targets) {
      throw new Error(
        `The Output layer '${fwd.outputNode.label ?? fwd.outputNode.id}' has ${fwd.targets} units but the data has ${this.train.targets} target column${this.train.targets === 1 ? '' : 's'}${this.train.classNames ? ` (classes ${this.train.classNames.join(', ')})` : ''}. Set the Output's units to ${this.train.targets}.`,
      );
    }
    checkParamCount(fwd.params, opts.maxParams ?? DEFAULT_LIMITS.maxParams);
    const rng = new SeededRng(config.seed);
    this.shuffleRng = new SeededRng((config.seed ^ 0x9e3779b9) >>> 0);
    if (opts.initialWeights && !allFinite(opts.initialWeights))
      throw new Error('The starting weights hold NaN or infinite values: train from fresh weights instead.');
    const weights = opts.initialWeights ?? initWeights(fwd.params, rng);
    this.backend =
      opts.backend ??
      (fwd.loss === 'perceptron'
        ? new PerceptronBackend(fwd, weights)
        : new TsBackend(model, config, weights, new SeededRng((config.seed ^ 0x85ebca6b) >>> 0)));
    if (opts.backend && opts.initialWeights) void opts.backend.setWeights(opts.initialWeights, true);
  }

  /**
   * The first mini-batch the run will train on (the epoch-0 order after the seeded shuffle), without
   * drawing from the trainer's own generators: what the learning lab steps through.
   */
  firstBatch(): { x: Float32Array; y: Float32Array; rows: number } {
    const { config } = this.opts;
    const ds = this.train;
    const order = new Uint32Array(ds.rows);
    for (let i = 0; i < ds.rows; i++) order[i] = i;
    if (config.shuffle) shuffleInPlace(order, new SeededRng((config.seed ^ 0x9e3779b9) >>> 0));
    const rows = config.batchSize === 0 ? ds.rows : Math.min(config.batchSize, ds.rows);
    const x = new Float32Array(rows * ds.features);
    const y = new Float32Array(rows * ds.targets);
    gatherRows(ds.x, order, 0, rows, ds.features, x);
    gatherRows(ds.y, order, 0, rows, ds.targets, y);
    return { x, y, rows };
  }

  /** Whether the run is paused (or stepping one batch at a time). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Pause before the next batch. */
  pause(): void {
    this.paused = true;
  }
  /** Continue after a pause. */
  resume(): void {
    this.paused = false;
    this.wakeUp();
  }
  /** Stop before the next batch; the run ends with reason 'stopped'. */
  stop(): void {
    this.stopRequested = true;
    this.wakeUp();
  }
  /** While paused: run exactly one mini-batch, then pause again. */
  stepOnce(): void {
    this.paused = true;
    this.stepsAllowed++;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Run training, yielding events as it goes. */
  async *run(): AsyncGenerator<TrainEvent> {
    const { config } = this.opts;
    const now = this.opts.now ?? (() => Date.now());
    const ds = this.train;
    const n = ds.rows;
    const F = ds.features;
    const T = ds.targets;
    const bs = config.batchSize === 0 ? n : Math.min(config.batchSize, n);
    const batches = Math.ceil(n / bs);
    const xb = new Float32Array(bs * F);
    const yb = new Float32Array(bs * T);
    // Backends with a fixed cost per run (ONNX Runtime) take K full mini-batches per call.
    const K = this.backend.stepMany && (this.backend.stepsPerRun ?? 1) > 1 ? this.backend.stepsPerRun! : 1;
    const xk = K > 1 ? new Float32Array(K * bs * F) : xb;
    const yk = K > 1 ? new Float32Array(K * bs * T) : yb;
    const lrs = new Float64Array(K);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const variance = targetVariance(ds.y, n * T);
    const batchEvery = this.opts.batchEvery ?? 0;
    const yieldEvery = this.opts.yieldEvery ?? 64;
    // Created from the starting weights' loss (below), else from the first batch's.
    let watch: DivergenceWatch | null = null;
    let best: { value: number; weights: WeightSet } | null = null;
    let sinceBest = 0;
    let t = 0;
    let firstEpoch = 0;
    const resume = this.opts.resume;
    if (resume) {
      if (resume.epoch > config.epochs)
        throw new RangeError(`The checkpoint is at epoch ${resume.epoch}, past the run's ${config.epochs} epochs.`);
      await this.backend.setWeights(resume.weights, true);
      await this.backend.setTrainingState?.({ state: resume.state, maskRng: resume.maskRng });
      t = resume.t;
      firstEpoch = resume.epoch;
      if (resume.augmentRng && this.augmentRng) this.augmentRng.setState(resume.augmentRng);
      watch = resume.watch ? DivergenceWatch.fromState(resume.watch) : null;
      if (resume.early) {
        best = { value: resume.early.value, weights: resume.early.weights };
        sinceBest = resume.early.sinceBest;
      }
      // The shuffling generator replays the epochs before the checkpoint (same draws, same order).
      if (config.shuffle) for (let e = 0; e < firstEpoch; e++) shuffleInPlace(order, this.shuffleRng);
    }
    // The divergence watch starts from the loss of the starting weights on (up to) the first
    // INITIAL_LOSS_ROWS training rows, not from one batch: a network continuing on new data can
    // meet one easy batch first (0.0007, then 9.8 on the rest), and that is no explosion.
    if (!resume) {
      const m = Math.min(n, INITIAL_LOSS_ROWS);
      const { loss } = await this.backend.evaluate(ds.x.subarray(0, m * F), ds.y.subarray(0, m * T), m);
      if (Number.isFinite(loss)) watch = new DivergenceWatch(loss);
    }
    let good = resume?.keep ?? (await this.backend.getWeights());
    if (K > 1 && K * bs <= n) await this.backend.prepare?.(bs);
    let samples = 0;
    const t0 = now();
    let last: EpochMetrics | null = null;
    let reason: StopReason = 'completed';
    let epochsDone = 0;
    const paramCount = [...good.values()].reduce((a, w) => a + w.data.length, 0);
    // The weights at the start of the next epoch (with keepEpochStart), and the state the epoch started from.
    let current: WeightSet | null = this.opts.keepEpochStart ? (resume?.weights ?? good) : null;
    let epochStart: Checkpoint | null = null;
    /**
     * Everything the run needs to go on from the start of `epoch` with these weights: a checkpoint, or
     * the state an epoch started from (keepEpochStart). One place, so the two cannot drift apart.
     */
    const stateAt = async (
      epoch: number,
      weights: WeightSet,
      keep: WeightSet | null,
      early: Checkpoint['early'],
    ): Promise<Checkpoint> => {
      const ts = (await this.backend.getTrainingState?.()) ?? { state: new Map(), maskRng: null };
      return {
        epoch,
        t,
        weights,
        state: ts.state,
        maskRng: ts.maskRng,
        augmentRng: this.augmentRng?.getState() ?? null,
        watch: watch?.getState() ?? null,
        keep,
        early,
      };
    };
    /** Restore the kept weights (the best epoch's, never non-finite) and say so: the one divergence message. */
    const diverge = async (epoch: number, batch: number | null, what: string): Promise<TrainEvent> => {
      await this.backend.setWeights(good, true);
      const kept = watch?.bestEpoch.epoch ?? 0;
      const restored =
        kept === 0
          ? 'The initial weights (before epoch 1) were restored'
          : `The weights from the end of epoch ${kept} were restored`;
      return {
        type: 'diverged',
        epoch,
        batch: batch ?? batches - 1,
        message: `Training diverged in epoch ${epoch + 1}${batch === null ? '' : `, batch ${batch + 1}`}: ${what}. ${restored}.`,
        advice: `Try a smaller learning rate${config.clipNorm ? '' : ' or gradient clipping'}.`,
        ...(epochStart ? { epochStart } : {}),
      };
    };
    yield {
      type: 'start',
      epochs: config.epochs,
      batchesPerEpoch: batches,
      batchSize: bs,
      rows: n,
      backend: this.backend.name,
      params: paramCount,
    };

    outer: for (let epoch = firstEpoch; epoch < config.epochs; epoch++) {
      if (current) epochStart = await stateAt(epoch, current, null, null);
      if (config.shuffle) shuffleInPlace(order, this.shuffleRng);
      const lr = scheduledLr(config, epoch);
      const acc = new MetricAccumulator(ds.task, T, variance, this.decision, ds.targetScale);
      for (let b = 0; b < batches; b++) {
        if (this.paused && this.stepsAllowed === 0 && !this.stopRequested) {
          yield { type: 'paused', epoch, batch: b };
          while (this.paused && this.stepsAllowed === 0 && !this.stopRequested)
            await new Promise<void>((r) => (this.wake = r));
          if (!this.paused) yield { type: 'resumed' };
        }
        if (this.stopRequested) {
          reason = 'stopped';
          break outer;
        }
        if (this.stepsAllowed > 0) this.stepsAllowed--;
        const start = b * bs;
        if (K > 1 && !this.paused && start + K * bs <= n) {
          for (let j = 0; j < K; j++) {
            gatherRows(ds.x, order, start + j * bs, bs, F, xk.subarray(j * bs * F));
            gatherRows(ds.y, order, start + j * bs, bs, T, yk.subarray(j * bs * T));
          }
          this.augmenter?.apply(xk, K * bs);
          lrs.fill(lr);
          const res = await this.backend.stepMany!(xk, yk, bs, K, lrs, t + 1);
          for (let j = 0; j < K; j++, b++) {
            t++;
            const loss = res.losses[j]!;
            if (!Number.isFinite(loss)) {
              yield await diverge(epoch, b, `the loss became ${loss}`);
              reason = 'diverged';
              break outer;
            }
            watch ??= new DivergenceWatch(loss);
            samples += bs;
            acc.add(
              loss,
              res.pred.subarray(j * bs * T, (j + 1) * bs * T),
              yk.subarray(j * bs * T, (j + 1) * bs * T),
              bs,
            );
            if (batchEvery && (b + 1) % batchEvery === 0) yield { type: 'batch', epoch, batch: b, loss };
            if (this.opts.yieldToHost && (b + 1) % yieldEvery === 0) await this.opts.yieldToHost();
          }
          b--; // the for loop's b++ moves to the next group
          continue;
        }
        const rows = Math.min(bs, n - start);
        gatherRows(ds.x, order, start, rows, F, xb);
        gatherRows(ds.y, order, start, rows, T, yb);
        this.augmenter?.apply(xb, rows);
        t++;
        const pending = this.backend.step(xb, yb, rows, lr, t);
        // The eager backend answers synchronously: skip the await's microtask on the hot path.
        const res = pending instanceof Promise ? await pending : pending;
        if (!Number.isFinite(res.loss)) {
          yield await diverge(epoch, b, `the loss became ${res.loss}`);
          reason = 'diverged';
          break outer;
        }
        watch ??= new DivergenceWatch(res.loss);
        samples += rows;
        acc.add(res.loss, res.pred, yb, rows);
        if (batchEvery && (b + 1) % batchEvery === 0) yield { type: 'batch', epoch, batch: b, loss: res.loss };
        if (this.opts.yieldToHost && (b + 1) % yieldEvery === 0) await this.opts.yieldToHost();
      }
      const metrics: EpochMetrics = acc.result();
      const weights = await this.backend.getWeights();
      const problem = !allFinite(weights) ? 'a weight became NaN or infinite' : watch?.check(epoch + 1, metrics.loss);
      if (problem) {
        yield await diverge(epoch, null, problem);
        reason = 'diverged';
        break;
      }
      if (watch?.isBest(epoch + 1)) good = weights;
      if (current) current = weights;
      if (this.validation) Object.assign(metrics, await this.validate(this.validation));
      last = metrics;
      epochsDone = epoch + 1;
      const elapsed = now() - t0;
      yield {
        type: 'epoch',
        epoch,
        metrics,
        lr,
        samplesPerSec: samples / Math.max(1e-9, elapsed / 1000),
        elapsedMs: elapsed,
      };
      const es = config.earlyStopping;
      if (es) {
        const value = es.monitor === 'val_loss' && metrics.val_loss !== undefined ? metrics.val_loss : metrics.loss;
        if (!best || value < best.value - es.minDelta) {
          best = { value, weights };
          sinceBest = 0;
        } else if (++sinceBest >= es.patience) {
          await this.backend.setWeights(best.weights);
          yield {
            type: 'early_stop',
            epoch,
            message: `Stopped early at epoch ${epoch + 1}: ${es.monitor} did not improve for ${es.patience} epochs; the best weights were restored.`,
          };
          reason = 'early_stop';
          break;
        }
      }
      const every = this.opts.checkpointEvery ?? config.checkpointEvery;
      if (every > 0 && (epoch + 1) % every === 0) {
        yield {
          type: 'checkpoint',
          checkpoint: await stateAt(
            epoch + 1,
            weights,
            good === weights ? null : good,
            best ? { value: best.value, sinceBest, weights: best.weights } : null,
          ),
        };
      }
      if (this.opts.yieldToHost) await this.opts.yieldToHost();
    }
    const elapsed = now() - t0;
    yield {
      type: 'done',
      reason,
      epochs: epochsDone,
      metrics: last,
      samplesPerSec: samples / Math.max(1e-9, elapsed / 1000),
      elapsedMs: elapsed,
    };
  }

  private async validate(v: Dataset): Promise<Partial<EpochMetrics>> {
    const { loss, pred } = await this.backend.evaluate(v.x, v.y, v.rows);
    const acc = new MetricAccumulator(
      v.task,
      v.targets,
      targetVariance(v.y, v.rows * v.targets),
      this.decision,
      v.targetScale,
    );
    acc.add(loss, pred, v.y, v.rows);
    const m = acc.result();
    return {
      val_loss: loss,
      val_accuracy: m.accuracy,
      val_mse: m.mse,
      val_rmse: m.rmse,
      val_mae: m.mae,
      val_r2: m.r2,
    };
  }

  /** Run to the end and return the final event. */
  async runToEnd(onEvent?: (e: TrainEvent) => void): Promise<Extract<TrainEvent, { type: 'done' }>> {
    for await (const e of this.run()) {
      onEvent?.(e);
      if (e.type === 'done') return e;
    }
    throw new Error('Training ended without a done event');
  }
}
