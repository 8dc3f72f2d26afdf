/**
 * The ONNX Runtime training backend: the same TrainBackend as the eager TypeScript one, running the
 * training-step graph emitted from the same program (src-engine/onnx/train-step.ts).
 *
 * Parameters and optimizer state live in ORT tensors that go from one run's outputs straight into
 * the next run's inputs; on GPU providers they stay in device memory, and only the loss and the
 * predictions come back each run (weights are read through a small copy session, for snapshots).
 * `run()` blocks its thread for the whole computation: use this backend in a worker thread.
 */
import type { GraphDoc } from '../../graph/document.ts';
import { compiled, type CompiledModel } from '../../model/compile.ts';
import { evalModel } from '../../onnx/eval-model.ts';
import { GraphBuilder } from '../../onnx/builder.ts';
import { encodeModel } from '../../onnx/schema.ts';
import { trainStepModel, type TrainStepIo } from '../../onnx/train-step.ts';
import type { StepResult, TrainBackend } from '../../train/backend.ts';
import type { WeightSet } from '../../tensor/weights.ts';
import type { TrainConfig } from '../../train/config.ts';
import { SeededRng, type Rng, type RngState } from '../../tensor/rng.ts';
import {
  createSession,
  loadOrt,
  type ExecutionProvider,
  type Ort,
  type OrtSession,
  type OrtTensor,
} from './runtime.ts';
import { sizeOf } from '../../tensor/tensor.ts';

export interface OrtBackendOptions {
  /** Execution provider (default cpu). Pick one with probeProviders() first. */
  ep?: ExecutionProvider;
  /** Intra-op threads (default 1). */
  threads?: number;
  /** Mini-batches unrolled into one run for stepMany() (default 8). */
  stepsPerRun?: number;
  /** Spin-wait in idle pool threads (see SessionSettings.spin). */
  spin?: boolean;
  /** Read weights through the Identity-copy session (default: on GPU providers, whose tensors stay on the device). */
  snapshotSession?: boolean;
}

type Feeds = Record<string, OrtTensor>;

export class OrtBackend implements TrainBackend {
  readonly name: string;
  /** Current parameter and state tensors by input name. */
  private state = new Map<string, OrtTensor>();
  private multi: { session: OrtSession; steps: number } | null = null;

  private constructor(
    private readonly ort: Ort,
    readonly io: TrainStepIo,
    private readonly single: OrtSession,
    private readonly evalSession: OrtSession,
    private readonly snapshot: OrtSession | null,
    private readonly build: () => Promise<{ session: OrtSession; steps: number }>,
    private readonly maskRng: Rng,
    readonly ep: ExecutionProvider,
    private readonly unrolled: number,
  ) {
    this.name = `ort-${ep}`;
  }

  /** Compile the step and evaluation graphs and open sessions on one provider. */
  static async create(
    graph: GraphDoc | CompiledModel,
    config: TrainConfig,
    weights: WeightSet,
    maskRng: Rng,
    opts: OrtBackendOptions = {},
  ): Promise<OrtBackend> {
    const ort = await loadOrt();
    const ep = opts.ep ?? 'cpu';
    const threads = opts.threads ?? 1;
    const spin = opts.spin ?? false;
    const K = Math.max(1, Math.floor(opts.stepsPerRun ?? 8));
    const model = compiled(graph);
    const target = ep === 'cpu' ? 'cpu' : 'portable';
    const one = trainStepModel(model, config, { steps: 1, target });
    const onDevice = ep === 'cpu' ? [] : one.io.carried.map((c) => c.next);
    const single = await createSession(encodeModel(one.model), {
      ep,
      threads,
      spin,
      outputsOnDevice: onDevice,
      label: 'The training step',
    });
    const ev = await createSession(encodeModel(evalModel(model, { withLoss: true }).model), {
      ep,
      threads,
      label: 'The evaluation graph',
    });
    const snapshot = !(opts.snapshotSession ?? ep !== 'cpu')
      ? null
      : await createSession(encodeModel(copyModel(one.io)), { ep, threads, label: 'The weight snapshot graph' });
    const build = async () => {
      const m = trainStepModel(model, config, { steps: K, target });
      return {
        session: await createSession(encodeModel(m.model), {
          ep,
          threads,
          spin,
          outputsOnDevice: onDevice,
          label: `The ${K}-step training graph`,
        }),
        steps: K,
      };
    };
    const backend = new OrtBackend(ort, one.io, single, ev, snapshot, build, maskRng, ep, K);
    backend.setWeights(weights, true);
    return backend;
  }

  private tensor(data: Float32Array, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor('float32', data, dims);
  }

  private fillMasks(feeds: Feeds, rows: number, k: number): void {
    const bufs = drawMasks(this.io.masks, this.maskRng, rows, k);
    this.io.masks.forEach((m, i) => (feeds[m.name] = this.tensor(bufs[i]!, [k * rows, ...m.shape])));
  }

  private async runSteps(
    session: OrtSession,
    x: Float32Array,
    y: Float32Array,
    rows: number,
    k: number,
    lr: ArrayLike<number>,
    t0: number,
  ): Promise<{ losses: Float32Array; pred: Float32Array }> {
    const { features: F, targets: T } = this.io;
    const feeds: Feeds = {
      x: this.tensor(x.subarray(0, k * rows * F), [k * rows, ...this.io.inputShape]),
      y: this.tensor(y.subarray(0, k * rows * T), [k * rows, T]),
      lr: this.tensor(
        Float32Array.from({ length: k }, (_, i) => lr[i] ?? lr[0]!),
        [k, 1],
      ),
      t: this.tensor(
        Float32Array.from({ length: k }, (_, i) => t0 + i),
        [k, 1],
      ),
    };
    this.fillMasks(feeds, rows, k);
    for (const [name, v] of this.state) feeds[name] = v;
    const out = await session.run(feeds);
    const next = new Map<string, OrtTensor>();
    for (const c of this.io.carried) next.set(c.name, out[c.next]!);
    for (const [name, old] of this.state) if (next.get(name) !== old && old.location === 'gpu-buffer') old.dispose();
    this.state = next;
    return { losses: out.loss!.data as Float32Array, pred: out.pred!.data as Float32Array };
  }

  /** One optimizer step on n rows. */
  async step(x: Float32Array, y: Float32Array, n: number, lr: number, t: number): Promise<StepResult> {
    const r = await this.runSteps(this.single, x, y, n, 1, [lr], t);
    return { loss: r.losses[0]!, pred: r.pred };
  }

  /** Mini-batches per run of stepMany() (a trainer groups this many full batches per call). */
  get stepsPerRun(): number {
    return this.unrolled;
  }

  /**
   * Compile the K-step session, then run it and the single step twice each on zeros, throwing the
   * outputs away: the state stays as it was and no dropout mask is drawn. ORT's first runs of a session
   * size its memory arena and are slower than the rest (LeNet-5, 8 steps of 64 rows: about 70 ms
   * against 43 ms later; a single step 25 against 8). The trainer calls this with its batch size
   * before its clock starts.
   */
  async prepare(rows: number): Promise<void> {
    this.multi ??= await this.build();
    for (const [session, k] of [
      [this.multi.session, this.multi.steps],
      [this.single, 1],
    ] as const)
      for (let r = 0; r < 2; r++) await this.warm(session, rows, k);
  }

  private async warm(session: OrtSession, rows: number, k: number): Promise<void> {
    const { features: F, targets: T } = this.io;
    const feeds: Feeds = {
      x: this.tensor(new Float32Array(k * rows * F), [k * rows, ...this.io.inputShape]),
      y: this.tensor(new Float32Array(k * rows * T), [k * rows, T]),
      lr: this.tensor(new Float32Array(k), [k, 1]),
      t: this.tensor(new Float32Array(k).fill(1), [k, 1]),
    };
    for (const m of this.io.masks)
      feeds[m.name] = this.tensor(new Float32Array(k * rows * sizeOf(m.shape)).fill(1), [k * rows, ...m.shape]);
    for (const [name, v] of this.state) feeds[name] = v;
    const out = await session.run(feeds);
    for (const v of Object.values(out)) if (v.location === 'gpu-buffer') v.dispose();
  }

  /**
   * k consecutive steps of n rows each in one run: x and y hold the k batches one after another,
   * lr the rate of each step (or one for all), t0 the step number of the first. Uses the unrolled
   * graph when k equals its step count, otherwise single steps.
   */
  async stepMany(
    x: Float32Array,
    y: Float32Array,
    n: number,
    k: number,
    lr: ArrayLike<number>,
    t0: number,
  ): Promise<{ losses: Float32Array; pred: Float32Array }> {
    this.multi ??= await this.build();
    if (k === this.multi.steps) return this.runSteps(this.multi.session, x, y, n, k, lr, t0);
    const { features: F, targets: T } = this.io;
    return stepByStep(k, n * T, async (s) => {
      const r = await this.runSteps(
        this.single,
        x.subarray(s * n * F),
        y.subarray(s * n * T),
        n,
        1,
        [lr[s] ?? lr[0]!],
        t0 + s,
      );
      return { loss: r.losses[0]!, pred: r.pred };
    });
  }

  /** The model's weights (parameters and running statistics), without the optimizer's state. */
  private paramFeeds(): Feeds {
    const feeds: Feeds = {};
    for (const c of this.io.carried) if (c.kind !== 'state') feeds[c.name] = this.state.get(c.name)!;
    return feeds;
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    // The evaluation graph needs targets; zeros cost nothing next to the forward pass.
    return (await this.evaluate(x, new Float32Array(n * this.io.targets), n)).pred;
  }

  async evaluate(x: Float32Array, y: Float32Array, n: number): Promise<{ loss: number; pred: Float32Array }> {
    const { features: F, targets: T } = this.io;
    const feeds = this.paramFeeds();
    feeds.x = this.tensor(x.subarray(0, n * F), [n, ...this.io.inputShape]);
    feeds.y = this.tensor(y.subarray(0, n * T), [n, T]);
    const out = await this.evalSession.run(feeds);
    return { loss: (out.loss!.data as Float32Array)[0]!, pred: out.pred!.data as Float32Array };
  }

  /** Where each parameter and optimizer-state tensor lives now ('cpu', or 'gpu-buffer' on a GPU provider). */
  tensorLocations(): Record<string, OrtTensor['location']> {
    return Object.fromEntries([...this.state].map(([name, t]) => [name, t.location]));
  }

  async getWeights(): Promise<WeightSet> {
    return this.readCarried('param');
  }

  /** Parameters or optimizer state, read back to the host (through the copy session when on a device). */
  private async readCarried(kind: 'param' | 'state'): Promise<WeightSet> {
    const w: WeightSet = new Map();
    let host: Record<string, OrtTensor> = Object.fromEntries(this.state);
    if (this.snapshot) host = await this.snapshot.run(Object.fromEntries(this.state));
    for (const c of this.io.carried) {
      // Weights are the parameters and the running statistics; the rest is optimizer state.
      if ((c.kind === 'state') !== (kind === 'state')) continue;
      const t = this.snapshot ? host[`copy.${c.name}`]! : host[c.name]!;
      w.set(c.name, { shape: c.shape, data: (t.data as Float32Array).slice() });
    }
    return w;
  }

  async getTrainingState(): Promise<{ state: WeightSet; maskRng: RngState | null }> {
    return {
      state: await this.readCarried('state'),
      maskRng: this.maskRng instanceof SeededRng ? this.maskRng.getState() : null,
    };
  }

  setTrainingState(s: { state: WeightSet; maskRng: RngState | null }): void {
    const next = new Map(this.state);
    for (const c of this.io.carried) {
      if (c.kind !== 'state') continue;
      const src = s.state.get(c.name);
      const len = sizeOf(c.shape);
      next.set(
        c.name,
        this.tensor(src && src.data.length === len ? Float32Array.from(src.data) : new Float32Array(len), c.shape),
      );
    }
    this.state = next;
    if (s.maskRng && this.maskRng instanceof SeededRng) this.maskRng.setState(s.maskRng);
  }

  setWeights(w: WeightSet, resetState = false): void {
    const next = new Map(this.state);
    for (const c of this.io.carried) {
      const len = sizeOf(c.shape);
      if (c.kind !== 'state') {
        next.set(c.name, this.tensor(weightValues(c, w), c.shape));
      } else if (resetState || !next.has(c.name)) {
        next.set(c.name, this.tensor(new Float32Array(len), c.shape));
      }
    }
    // Device tensors that were replaced are freed now rather than whenever the GC notices.
    for (const [name, old] of this.state) if (next.get(name) !== old && old.location === 'gpu-buffer') old.dispose();
    this.state = next;
  }

  async dispose(): Promise<void> {
    await this.single.release();
    await this.evalSession.release();
    await this.snapshot?.release();
    await this.multi?.session.release();
  }
}

/** k steps run one after another, their losses and predictions (`perStep` values each) gathered. */
export async function stepByStep(
  k: number,
  perStep: number,
  step: (s: number) => Promise<{ loss: number; pred: ArrayLike<number> }>,
): Promise<{ losses: Float32Array; pred: Float32Array }> {
  const losses = new Float32Array(k);
  const pred = new Float32Array(k * perStep);
  for (let s = 0; s < k; s++) {
    const r = await step(s);
    losses[s] = r.loss;
    pred.set(r.pred, s * perStep);
  }
  return { losses, pred };
}

/**
 * Dropout masks for k steps of `rows` rows: (u >= rate) / (1 - rate), drawn step by step and mask by
 * mask, the TypeScript backend's order, so every backend gives a seed the same masks.
 */
export function drawMasks(masks: TrainStepIo['masks'], rng: Rng, rows: number, k: number): Float32Array[] {
  const bufs = masks.map((m) => new Float32Array(k * rows * sizeOf(m.shape)));
  for (let s = 0; s < k; s++) {
    masks.forEach((m, i) => {
      const keep = 1 / (1 - m.rate);
      const buf = bufs[i]!;
      for (let j = s * rows * sizeOf(m.shape), end = (s + 1) * rows * sizeOf(m.shape); j < end; j++)
        buf[j] = rng.uniform() >= m.rate ? keep : 0;
    });
  }
  return bufs;
}

/**
 * A parameter's values from a weight set, as a new float32 array. Every parameter must be given, in
 * its exact shape: a missing one must not keep random values.
 */
export function weightValues(c: { name: string; shape: readonly number[] }, w: WeightSet): Float32Array {
  const len = sizeOf(c.shape);
  const src = w.get(c.name);
  if (!src) throw new Error(`The weights have no values for parameter '${c.name}' (${c.shape.join(' × ')})`);
  if (src.shape.length !== c.shape.length || src.shape.some((d, i) => d !== c.shape[i]) || src.data.length !== len)
    throw new Error(
      `Weights for '${c.name}' are ${src.shape.join(' × ')} with ${src.data.length} values; the layer needs ${c.shape.join(' × ')}`,
    );
  return Float32Array.from(src.data);
}

/** Identity copies of every parameter and optimizer state, so device-resident tensors can be read on the CPU. */
function copyModel(io: TrainStepIo) {
  const b = new GraphBuilder('float32');
  for (const c of io.carried) b.output(`copy.${c.name}`, b.input(c.name, c.shape), c.shape);
  return b.model('netwright_weight_copy', {});
}
