/**
 * ONNX Runtime training on several CPU cores by splitting every mini-batch: each core runs the
 * gradient graph on its share of the rows (one thread each: `dataParallelModels` in
 * src-engine/onnx/train-step.ts; each share's gradient comes weighted by its rows), then this thread
 * adds them up and runs the update graph on every parameter at once. The result is the whole batch's step,
 * up to the order of float sums; the split is fixed (rows in equal shares, the first to this
 * thread), so a run is reproducible.
 *
 * Why not ORT's own threads: the intra-op pool gains little on these graphs (many small nodes, and
 * MLAS's convolutions with non-constant filters barely split), while two shares on two cores run
 * side by side at nearly the speed of one (bench/RESULTS.md, "LeNet-5 on two cores").
 *
 * The other shares run in helper worker threads that hold their own session. Each step, this thread
 * writes a helper's rows and the parameters into SharedArrayBuffers and raises a counter; the
 * helper runs and writes its gradient, loss and predictions back. Both sides spin up to 2 ms before
 * they sleep (`Atomics.wait`), as ORT's own pool does (a hand-off still took about 0.2 ms here,
 * spinning or not: scheduling). onnxruntime-node refuses tensors on shared memory, so the helper
 * copies in and out of them. A helper that fails says so through the shared words, and the step
 * throws with its message.
 *
 * Networks with running statistics (batch norm) are not split: a share's statistics are not the
 * batch's. createOrtBackend uses this class only where it pays (`splitsWell`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CompiledModel } from '../../model/compile.ts';
import { FLAT_PARAMS, SHARE_WEIGHT, shareGradName } from '../../model/compile.ts';
import { evalModel } from '../../onnx/eval-model.ts';
import { encodeModel } from '../../onnx/schema.ts';
import { dataParallelModels, nextName, type TrainStepIo } from '../../onnx/train-step.ts';
import type { StepResult, TrainBackend } from '../../train/backend.ts';
import type { TrainConfig } from '../../train/config.ts';
import { SeededRng, type Rng, type RngState } from '../../tensor/rng.ts';
import { sizeOf } from '../../tensor/tensor.ts';
import type { WeightSet } from '../../tensor/weights.ts';
import { drawMasks, stepByStep, weightValues } from './ort-backend.ts';
import { createSession, loadOrt, sessionOptions, type Ort, type OrtSession, type OrtTensor } from './runtime.ts';

/** Control words shared with a helper (Int32Array indices). */
const CMD = 0; // raised by this thread: the step's number, or -1 to stop
const DONE = 1; // raised by the helper when its share is written back
const ROWS = 2; // rows of the helper's share
const STATUS = 3; // 0 ok, 1 failed (message in the error bytes), 2 the thread stopped
const BATCH_ROWS = 4; // rows of the whole mini-batch
const ERROR_BYTES = 1024;
/** How long either side spins before it sleeps (ms). */
const SPIN_MS = 2;

/** Wait until `arr[i]` is no longer `old`: spin for a while, then sleep. */
function waitChange(arr: Int32Array, i: number, old: number, spinMs: number): void {
  const until = performance.now() + spinMs;
  while (Atomics.load(arr, i) === old) if (performance.now() > until) Atomics.wait(arr, i, old);
}

/** The helper thread (plain CommonJS: it runs from a string, so it needs no bundling). */
const HELPER_SOURCE = `
const { workerData: d, parentPort } = require('node:worker_threads');
const ort = require(d.ortPath);
ort.env.logLevel = 'fatal';
const [CMD, DONE, ROWS, STATUS, BATCH_ROWS] = [${CMD}, ${DONE}, ${ROWS}, ${STATUS}, ${BATCH_ROWS}];
// waitChange, as above (this source runs untranspiled).
function waitChange(arr, i, old, spinMs) {
  const until = performance.now() + spinMs;
  while (Atomics.load(arr, i) === old) if (performance.now() > until) Atomics.wait(arr, i, old);
}
(async () => {
  const session = await ort.InferenceSession.create(d.model, d.options);
  const T = (a, dims) => new ort.Tensor('float32', a, dims);
  const params = new Float32Array(d.params.length);
  const grad = new Float32Array(d.params.length);
  const fetches = { grad: T(grad, [1, grad.length]), loss: null, pred: null };
  const x = new Float32Array(d.x.length);
  const y = new Float32Array(d.y.length);
  const masks = d.masks.map((m) => ({ ...m, own: new Float32Array(m.buf.length) }));
  parentPort.postMessage('ready');
  let seq = 0;
  for (;;) {
    waitChange(d.ctrl, CMD, seq, ${SPIN_MS});
    seq = Atomics.load(d.ctrl, CMD);
    if (seq < 0) break;
    try {
      const rows = d.ctrl[ROWS];
      params.set(d.params);
      x.set(d.x.subarray(0, rows * d.features));
      y.set(d.y.subarray(0, rows * d.targets));
      const feeds = {
        x: T(x.subarray(0, rows * d.features), [rows, ...d.inputShape]),
        y: T(y.subarray(0, rows * d.targets), [rows, d.targets]),
        [d.shareWeight]: T(Float32Array.of(rows / d.ctrl[BATCH_ROWS]), [1, 1]),
      };
      for (const m of masks) {
        const n = rows * m.size;
        m.own.set(m.buf.subarray(0, n));
        feeds[m.name] = T(m.own.subarray(0, n), [rows, ...m.shape]);
      }
      for (const p of d.layout) feeds[p.name] = T(params.subarray(p.offset, p.offset + p.size), p.shape);
      const out = await session.run(feeds, fetches);
      d.grad.set(grad);
      d.out[0] = out.loss.data[0];
      d.out.set(out.pred.data, 1);
      d.ctrl[STATUS] = 0;
    } catch (e) {
      const bytes = new TextEncoder().encode(String((e && e.message) || e)).subarray(0, ${ERROR_BYTES});
      d.error.fill(0);
      d.error.set(bytes);
      d.ctrl[STATUS] = 1;
    }
    Atomics.store(d.ctrl, DONE, seq);
    Atomics.notify(d.ctrl, DONE);
  }
  await session.release();
})().catch((e) => {
  // Before 'ready' the creator hears it by message; after, a waiting step does through the words.
  parentPort.postMessage({ failed: String((e && e.message) || e) });
  d.ctrl[STATUS] = 2;
  Atomics.store(d.ctrl, DONE, -2);
  Atomics.notify(d.ctrl, DONE);
});
`;

interface Helper {
  worker: Worker;
  ctrl: Int32Array;
  params: Float32Array;
  x: Float32Array;
  y: Float32Array;
  masks: Float32Array[];
  grad: Float32Array;
  out: Float32Array;
  error: Uint8Array;
  seq: number;
}

const shared = (n: number) => new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));

export class ParallelOrtBackend implements TrainBackend {
  readonly name = 'ort-cpu';
  readonly ep = 'cpu';
  /** Steps per stepMany() call: the trainer groups this many batches (no unrolled graph here). */
  readonly stepsPerRun = 8;
  /** Every parameter side by side (`layout` order), and each optimizer state laid out the same way. */
  private params: Float32Array;
  private state: Map<string, Float32Array>;
  /**
   * The update writes into the other set of buffers, which then become current: outputs written
   * into given buffers cost a tenth of fresh ones here (a fresh 247 kB output: 175-570 µs a run,
   * mostly the new memory's first touch; a given one 55 µs).
   */
  private spare: { params: Float32Array; state: Map<string, Float32Array> };
  /** This thread's share's gradient, written by its run. */
  private readonly ownGrad: Float32Array;
  /** The helpers' gradients, copied out of shared memory (which ONNX Runtime refuses). */
  private readonly helperGrads: Float32Array[];

  private constructor(
    private readonly ort: Ort,
    readonly io: TrainStepIo,
    private readonly layout: { name: string; shape: readonly number[]; offset: number; size: number }[],
    private readonly stateNames: string[],
    private readonly grad: OrtSession,
    private readonly update: OrtSession,
    private readonly evalSession: OrtSession,
    private readonly helpers: Helper[],
    private readonly maskRng: Rng,
    private readonly capacity: number,
  ) {
    const size = layout.reduce((a, l) => a + l.size, 0);
    const set = () => ({
      params: new Float32Array(size),
      state: new Map(stateNames.map((s) => [s, new Float32Array(size)])),
    });
    ({ params: this.params, state: this.state } = set());
    this.spare = set();
    this.ownGrad = new Float32Array(size);
    this.helperGrads = helpers.map(() => new Float32Array(size));
  }

  /** Cores used: this thread and its helpers. */
  get shares(): number {
    return this.helpers.length + 1;
  }

  /**
   * Open the sessions and start `shares - 1` helper threads; `maxRows` bounds a mini-batch (the
   * helpers' shared buffers are sized for it; the trainer's batch size).
   */
  static async create(
    model: CompiledModel,
    config: TrainConfig,
    weights: WeightSet,
    maskRng: Rng,
    opts: { shares: number; maxRows: number },
  ): Promise<ParallelOrtBackend> {
    const ort = await loadOrt();
    const shares = Math.max(2, Math.floor(opts.shares));
    const dp = dataParallelModels(model, config, { shares, target: 'cpu' });
    const gradBytes = encodeModel(dp.grad);
    const grad = await createSession(gradBytes, { label: 'The share gradient graph' });
    const update = await createSession(encodeModel(dp.update), { label: 'The update graph' });
    const evalSession = await createSession(encodeModel(evalModel(model, { withLoss: true }).model), {
      label: 'The evaluation graph',
    });
    const { io, layout } = dp;
    const size = layout.reduce((a, l) => a + l.size, 0);
    const rows = Math.ceil(Math.max(1, opts.maxRows) / shares);
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const helpers: Helper[] = [];
    try {
      for (let h = 1; h < shares; h++) {
        const helper: Omit<Helper, 'worker'> = {
          ctrl: new Int32Array(new SharedArrayBuffer(32)),
          params: shared(size),
          x: shared(rows * io.features),
          y: shared(rows * io.targets),
          masks: io.masks.map((m) => shared(rows * sizeOf(m.shape))),
          grad: shared(size),
          out: shared(1 + rows * io.targets),
          error: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
          seq: 0,
        };
        const worker = new Worker(HELPER_SOURCE, {
          eval: true,
          workerData: {
            ...helper,
            ortPath,
            model: gradBytes,
            options: sessionOptions(),
            shareWeight: SHARE_WEIGHT,
            features: io.features,
            targets: io.targets,
            inputShape: io.inputShape,
            layout,
            masks: io.masks.map((m, i) => ({
              name: m.name,
              shape: m.shape,
              size: sizeOf(m.shape),
              buf: helper.masks[i],
            })),
          },
        });
        helpers.push({ ...helper, worker });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: unknown) =>
            m === 'ready'
              ? resolve()
              : reject(new Error(`A training helper thread could not start: ${(m as { failed: string }).failed}`)),
          );
          worker.once('error', reject);
          worker.once('exit', (code) =>
            reject(new Error(`A training helper thread stopped before it started (exit code ${code})`)),
          );
        });
        worker.unref();
      }
    } catch (e) {
      for (const h of helpers) void h.worker.terminate();
      for (const session of [grad, update, evalSession]) await session.release();
      throw e;
    }
    const backend = new ParallelOrtBackend(
      ort,
      io,
      layout,
      dp.stateNames,
      grad,
      update,
      evalSession,
      helpers,
      maskRng,
      rows,
    );
    backend.setWeights(weights, true);
    return backend;
  }

  private tensor(data: Float32Array, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor('float32', data, dims);
  }

  private paramFeeds(into: Record<string, OrtTensor>): Record<string, OrtTensor> {
    for (const l of this.layout) into[l.name] = this.tensor(this.params.subarray(l.offset, l.offset + l.size), l.shape);
    return into;
  }

  /**
   * Rows of each share: equal, the remainder to the first (this thread's), and no helper more than
   * its buffers hold (sized for the batch size; a larger batch's excess runs here).
   */
  private split(n: number): number[] {
    const k = this.shares;
    const each = Math.min(this.capacity, Math.floor(n / k));
    return [n - each * (k - 1), ...Array.from({ length: k - 1 }, () => each)];
  }

  private async runStep(
    x: Float32Array,
    y: Float32Array,
    n: number,
    lr: number,
    t: number,
    masks: Float32Array[],
  ): Promise<StepResult> {
    const { features: F, targets: T, inputShape } = this.io;
    const rows = this.split(n);
    // Hand each helper its rows first, so they run while this thread runs its own.
    let at = rows[0]!;
    this.helpers.forEach((h, i) => {
      const r = rows[i + 1]!;
      if (r > 0) {
        h.params.set(this.params);
        h.x.set(x.subarray(at * F, (at + r) * F));
        h.y.set(y.subarray(at * T, (at + r) * T));
        this.io.masks.forEach((m, j) =>
          h.masks[j]!.set(masks[j]!.subarray(at * sizeOf(m.shape), (at + r) * sizeOf(m.shape))),
        );
        h.ctrl[ROWS] = r;
        h.ctrl[BATCH_ROWS] = n;
        h.seq++;
        Atomics.store(h.ctrl, CMD, h.seq);
        Atomics.notify(h.ctrl, CMD);
      }
      at += r;
    });
    const r0 = rows[0]!;
    const feeds: Record<string, OrtTensor> = {
      x: this.tensor(x.subarray(0, r0 * F), [r0, ...inputShape]),
      y: this.tensor(y.subarray(0, r0 * T), [r0, T]),
      [SHARE_WEIGHT]: this.tensor(Float32Array.of(r0 / n), [1, 1]),
    };
    this.io.masks.forEach((m, j) => {
      feeds[m.name] = this.tensor(masks[j]!.subarray(0, r0 * sizeOf(m.shape)), [r0, ...m.shape]);
    });
    const size = this.params.length;
    const own = await this.grad.run(this.paramFeeds(feeds), {
      grad: this.tensor(this.ownGrad, [1, size]),
      loss: null,
      pred: null,
    });
    const update: Record<string, OrtTensor> = {
      lr: this.tensor(Float32Array.of(lr), [1, 1]),
      t: this.tensor(Float32Array.of(t), [1, 1]),
      [FLAT_PARAMS]: this.tensor(this.params, [1, size]),
      [shareGradName(0)]: this.tensor(this.ownGrad, [1, size]),
    };
    for (const [s, v] of this.state) update[`${FLAT_PARAMS}.${s}`] = this.tensor(v, [1, size]);
    let loss = (r0 / n) * (own.loss!.data as Float32Array)[0]!;
    const pred = new Float32Array(n * T);
    pred.set(own.pred!.data as Float32Array);
    at = r0;
    let failure: string | null = null;
    this.helpers.forEach((h, i) => {
      const r = rows[i + 1]!;
      const k = i + 1;
      if (r > 0) {
        waitChange(h.ctrl, DONE, h.seq - 1, SPIN_MS * 4);
        if (h.ctrl[STATUS] === 2) failure ??= 'it stopped';
        else if (h.ctrl[STATUS] !== 0) failure ??= new TextDecoder().decode(h.error.slice()).replace(/\0+$/, '');
        loss += (r / n) * h.out[0]!;
        pred.set(h.out.subarray(1, 1 + r * T), at * T);
      }
      const g = this.helperGrads[i]!;
      if (r > 0) g.set(h.grad);
      else g.fill(0);
      update[shareGradName(k)] = this.tensor(g, [1, size]);
      at += r;
    });
    if (failure) throw new Error(`A training helper thread failed: ${failure}`);
    const into = this.spare;
    const fetches: Record<string, OrtTensor> = { [nextName(FLAT_PARAMS)]: this.tensor(into.params, [1, size]) };
    for (const [s, v] of into.state) fetches[nextName(`${FLAT_PARAMS}.${s}`)] = this.tensor(v, [1, size]);
    await this.update.run(update, fetches);
    this.spare = { params: this.params, state: this.state };
    ({ params: this.params, state: this.state } = into);
    return { loss, pred };
  }

  async step(x: Float32Array, y: Float32Array, n: number, lr: number, t: number): Promise<StepResult> {
    return this.runStep(x, y, n, lr, t, drawMasks(this.io.masks, this.maskRng, n, 1));
  }

  /** k steps of n rows one after another (the masks drawn as the other backends draw them). */
  async stepMany(
    x: Float32Array,
    y: Float32Array,
    n: number,
    k: number,
    lr: ArrayLike<number>,
    t0: number,
  ): Promise<{ losses: Float32Array; pred: Float32Array }> {
    const { features: F, targets: T } = this.io;
    const masks = drawMasks(this.io.masks, this.maskRng, n, k);
    return stepByStep(k, n * T, (s) =>
      this.runStep(
        x.subarray(s * n * F),
        y.subarray(s * n * T),
        n,
        lr[s] ?? lr[0]!,
        t0 + s,
        masks.map((m, j) => m.subarray(s * n * sizeOf(this.io.masks[j]!.shape))),
      ),
    );
  }

  /**
   * Run every share's gradient graph and the update graph twice on zeros, keeping nothing: ORT's
   * first runs size its memory arenas. Weights, state and the mask generator stay as they were.
   */
  async prepare(rows: number): Promise<void> {
    const params = this.params.slice();
    const state = new Map([...this.state].map(([s, v]) => [s, v.slice()]));
    const x = new Float32Array(rows * this.io.features);
    const y = new Float32Array(rows * this.io.targets);
    const masks = this.io.masks.map((m) => new Float32Array(rows * sizeOf(m.shape)).fill(1));
    for (let r = 0; r < 2; r++) await this.runStep(x, y, rows, 0, 1, masks);
    this.params = params;
    this.state = state;
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    return (await this.evaluate(x, new Float32Array(n * this.io.targets), n)).pred;
  }

  async evaluate(x: Float32Array, y: Float32Array, n: number): Promise<{ loss: number; pred: Float32Array }> {
    const { features: F, targets: T } = this.io;
    const feeds = this.paramFeeds({
      x: this.tensor(x.subarray(0, n * F), [n, ...this.io.inputShape]),
      y: this.tensor(y.subarray(0, n * T), [n, T]),
    });
    const out = await this.evalSession.run(feeds);
    return { loss: (out.loss!.data as Float32Array)[0]!, pred: out.pred!.data as Float32Array };
  }

  tensorLocations(): Record<string, OrtTensor['location']> {
    return Object.fromEntries(this.io.carried.map((c) => [c.name, 'cpu' as const]));
  }

  getWeights(): WeightSet {
    return new Map(
      this.layout.map((l) => [l.name, { shape: l.shape, data: this.params.slice(l.offset, l.offset + l.size) }]),
    );
  }

  setWeights(w: WeightSet, resetState = false): void {
    for (const l of this.layout) this.params.set(weightValues({ name: l.name, shape: l.shape }, w), l.offset);
    if (resetState) for (const v of this.state.values()) v.fill(0);
  }

  getTrainingState(): { state: WeightSet; maskRng: RngState | null } {
    const state: WeightSet = new Map();
    for (const [s, v] of this.state)
      for (const l of this.layout)
        state.set(`${l.name}.${s}`, { shape: l.shape, data: v.slice(l.offset, l.offset + l.size) });
    return { state, maskRng: this.maskRng instanceof SeededRng ? this.maskRng.getState() : null };
  }

  setTrainingState(s: { state: WeightSet; maskRng: RngState | null }): void {
    for (const [suffix, v] of this.state)
      for (const l of this.layout) {
        const src = s.state.get(`${l.name}.${suffix}`);
        if (src && src.data.length === l.size) v.set(src.data, l.offset);
        else v.fill(0, l.offset, l.offset + l.size);
      }
    if (s.maskRng && this.maskRng instanceof SeededRng) this.maskRng.setState(s.maskRng);
  }

  async dispose(): Promise<void> {
    for (const h of this.helpers) {
      Atomics.store(h.ctrl, CMD, -1);
      Atomics.notify(h.ctrl, CMD);
    }
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
    await this.grad.release();
    await this.update.release();
    await this.evalSession.release();
  }
}
