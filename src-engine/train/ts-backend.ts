/** The eager TypeScript backend: runs the training-step program with Netwright's own kernels. */
import { Executable } from '../backprop/interpreter.ts';
import { compiled, type CompiledModel, type ForwardModel, type TrainingProgram } from '../model/compile.ts';
import type { GraphDoc } from '../graph/document.ts';
import { allocate, sizeOf, type DType, type FloatArray } from '../tensor/tensor.ts';
import type { TrainConfig } from './config.ts';
import { SeededRng, type Rng, type RngState } from '../tensor/rng.ts';
import type { StepResult, TrainBackend } from './backend.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { feedRows } from '../views/source.ts';
import { WasmArena } from '../backprop/wasm/arena.ts';
import { BATCH } from '../backprop/ir.ts';

/**
 * Most float32 values (parameters, optimizer state, and two step programs' buffers at the batch size)
 * for which the step runs as WebAssembly in one memory (4 MB): small networks, whose step is
 * dispatch and scalar arithmetic. Larger ones keep the JavaScript code, whose big products already
 * run on the WebAssembly SIMD kernel.
 */
const WASM_STEP_FLOATS = 1 << 20;

interface StepPlan {
  exec: Executable;
  x: FloatArray;
  y: FloatArray;
  lr: FloatArray | null;
  t: FloatArray | null;
  masks: { buf: FloatArray; rate: number }[];
  loss: FloatArray;
  pred: FloatArray;
}

export class TsBackend implements TrainBackend {
  readonly name = 'ts';
  readonly train: TrainingProgram;
  readonly forward: ForwardModel;
  /** Canonical parameter and optimizer-state buffers, bound into every executable. */
  private readonly bound = new Map<string, FloatArray>();
  private readonly stepExecs = new Map<number, StepPlan>();
  private readonly forwardExecs = new Map<string, Executable>();
  private readonly stepOutputs: number[];
  private readonly evalLoss: number;
  /**
   * The memory of a small network's parameters and step buffers, made at the first step, when the
   * batch's rows are known (null: ordinary arrays, JavaScript steps).
   */
  private arena: WasmArena | null = null;
  private arenaTried = false;
  /** The configured batch size (0: full batch). */
  private readonly batchSize: number;

  constructor(
    graph: GraphDoc | CompiledModel,
    config: TrainConfig,
    weights: WeightSet,
    private readonly maskRng: Rng,
    readonly dtype: DType = 'float32',
  ) {
    const model = compiled(graph);
    this.train = model.training(config);
    this.forward = model.forward;
    this.evalLoss = model.evaluation.loss;
    this.batchSize = config.batchSize;
    for (const s of this.train.slots) {
      const w = weights.get(s.decl.name);
      if (!w) throw new Error(`No weights for parameter '${s.decl.name}'`);
      if (w.data.length !== sizeOf(s.decl.shape))
        throw new Error(
          `Weights for '${s.decl.name}' have ${w.data.length} values; the layer needs ${s.decl.shape.join(' × ')}`,
        );
      const buf = allocate(dtype, w.data.length);
      buf.set(w.data);
      this.bound.set(s.decl.name, buf);
      for (const st of s.state) this.bound.set(st.name, allocate(dtype, sizeOf(st.shape)));
    }
    // Running statistics: fed and saved like weights, updated by the step without gradients.
    for (const c of this.train.carried) {
      const w = weights.get(c.decl.name);
      if (!w || w.data.length !== sizeOf(c.decl.shape))
        throw new Error(`No values for '${c.decl.name}' (${c.decl.shape.join(' × ')})`);
      const buf = allocate(dtype, w.data.length);
      buf.set(w.data);
      this.bound.set(c.decl.name, buf);
    }
    this.stepOutputs = [
      this.train.dataLoss,
      this.train.pred,
      ...this.train.slots.flatMap((s) => [s.next, ...s.state.map((st) => st.next)]),
      ...this.train.carried.map((c) => c.next),
    ];
  }

  /** The compiled step for n rows (cached: usually the batch size and the last partial batch). */
  private stepExec(n: number): StepPlan {
    let plan = this.stepExecs.get(n);
    if (!plan) {
      if (!this.arenaTried) this.moveToArena(n);
      // The next parameters, state and statistics go onto the bound ones after every step.
      const copies: [number, FloatArray][] = [
        ...this.train.slots.flatMap((s) => [
          [s.next, this.bound.get(s.decl.name)!] as [number, FloatArray],
          ...s.state.map((st) => [st.next, this.bound.get(st.name)!] as [number, FloatArray]),
        ]),
        ...this.train.carried.map((c) => [c.next, this.bound.get(c.decl.name)!] as [number, FloatArray]),
      ];
      const e = new Executable(this.train.program, this.stepOutputs, {
        batch: n,
        dtype: this.dtype,
        bindings: this.bound,
        copies,
        ...(this.arena ? { arena: this.arena } : {}),
      });
      plan = {
        exec: e,
        x: e.input('x'),
        y: e.input('y'),
        lr: e.hasInput('lr') ? e.input('lr') : null,
        t: e.hasInput('t') ? e.input('t') : null,
        masks: this.train.masks.map((m) => ({ buf: e.input(m.name), rate: m.rate })),
        loss: e.value(this.train.dataLoss),
        pred: e.value(this.train.pred),
      };
      if (this.stepExecs.size > 8) this.stepExecs.clear();
      this.stepExecs.set(n, plan);
    }
    return plan;
  }

  /** How the last step ran: compiled to WebAssembly or as generated JavaScript (null before the first). */
  stepKind: 'wasm' | 'js' | null = null;

  step(x: Float32Array, y: Float32Array, n: number, lr: number, t: number): StepResult {
    const plan = this.stepExec(n);
    this.stepKind = plan.exec.wasm ? 'wasm' : 'js';
    const F = this.train.features;
    const T = this.train.targets;
    plan.x.set(x.length === n * F ? x : x.subarray(0, n * F));
    plan.y.set(y.length === n * T ? y : y.subarray(0, n * T));
    if (plan.lr) plan.lr[0] = lr;
    if (plan.t) plan.t[0] = t;
    for (const m of plan.masks) {
      const keep = 1 / (1 - m.rate);
      for (let i = 0; i < m.buf.length; i++) m.buf[i] = this.maskRng.uniform() >= m.rate ? keep : 0;
    }
    plan.exec.run();
    return { loss: plan.loss[0]!, pred: plan.pred };
  }

  /**
   * For a small network (see WASM_STEP_FLOATS), at its first step of n rows: an arena for its steps,
   * and the parameters, state and statistics moved into it (the executables made so far, which hold
   * the old arrays, are dropped).
   */
  private moveToArena(n: number): void {
    this.arenaTried = true;
    if (this.dtype !== 'float32') return;
    const arena = smallArena(this.train, Math.max(n, this.batchSize));
    if (!arena) return;
    const moved = new Map<string, FloatArray>();
    for (const [name, buf] of this.bound) {
      const to = arena.alloc(buf.length);
      if (!to) return;
      to.set(buf);
      moved.set(name, to);
    }
    for (const [name, to] of moved) this.bound.set(name, to);
    this.arena = arena;
    this.stepExecs.clear();
    this.forwardExecs.clear();
  }

  /** A compiled forward pass for `rows` rows computing `values` (cached: predictions, validation and views repeat). */
  private forwardExec(rows: number, values: number[]): Executable {
    const key = `${rows}|${values.join(',')}`;
    let e = this.forwardExecs.get(key);
    if (!e) {
      e = new Executable(this.forward.program, values, { batch: rows, dtype: this.dtype, bindings: this.bound });
      if (this.forwardExecs.size > 8) this.forwardExecs.clear();
      this.forwardExecs.set(key, e);
    }
    return e;
  }

  predict(x: Float32Array, n: number): FloatArray {
    return this.runForward(x, n, [this.forward.pred])[0]!;
  }

  /** Run the forward pass on n rows and return copies of the requested values (chunked for big n). */
  runForward(x: Float32Array, n: number, values: number[], inputs: Record<string, Float32Array> = {}): FloatArray[] {
    const F = this.forward.features;
    const chunk = Math.min(n, 1024);
    const outs: FloatArray[] = [];
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const e = this.forwardExec(rows, values);
      e.input('x').set(x.subarray(start * F, (start + rows) * F));
      feedRows(e, this.forward.program, inputs, start, rows);
      e.run();
      values.forEach((v, k) => {
        const val = e.value(v);
        const cols = val.length / rows;
        outs[k] ??= allocate(this.dtype, n * cols);
        outs[k].set(val, start * cols);
      });
    }
    return outs.length ? outs : values.map(() => allocate(this.dtype, 0));
  }

  /** Data loss (mean over rows, batch by batch) and predictions on n rows with targets y. */
  evaluate(x: Float32Array, y: Float32Array, n: number): { loss: number; pred: FloatArray } {
    const F = this.forward.features;
    const T = this.forward.targets;
    const chunk = Math.min(n, 1024);
    const pred = allocate(this.dtype, n * T);
    let lossSum = 0;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const e = this.forwardExec(rows, [this.evalLoss, this.forward.pred]);
      e.input('x').set(x.subarray(start * F, (start + rows) * F));
      e.input('y').set(y.subarray(start * T, (start + rows) * T));
      e.run();
      pred.set(e.value(this.forward.pred), start * T);
      // sum_squares is a sum, the others are means over rows
      lossSum += this.forward.loss === 'sum_squares' ? e.value(this.evalLoss)[0]! : e.value(this.evalLoss)[0]! * rows;
    }
    return { loss: this.forward.loss === 'sum_squares' ? lossSum : lossSum / Math.max(1, n), pred };
  }

  /** Every parameter of the model (running statistics included). */
  private get decls() {
    return [...this.train.slots.map((s) => s.decl), ...this.train.carried.map((c) => c.decl)];
  }

  getWeights(): WeightSet {
    const w: WeightSet = new Map();
    for (const d of this.decls) w.set(d.name, { shape: d.shape, data: this.bound.get(d.name)!.slice() });
    return w;
  }

  setWeights(w: WeightSet, resetState = false): void {
    for (const d of this.decls) {
      const src = w.get(d.name);
      if (src) this.bound.get(d.name)!.set(src.data);
    }
    if (resetState) for (const s of this.train.slots) for (const st of s.state) this.bound.get(st.name)!.fill(0);
  }

  getTrainingState(): { state: WeightSet; maskRng: RngState | null } {
    const state: WeightSet = new Map();
    for (const s of this.train.slots)
      for (const st of s.state) state.set(st.name, { shape: st.shape, data: this.bound.get(st.name)!.slice() });
    return { state, maskRng: this.maskRng instanceof SeededRng ? this.maskRng.getState() : null };
  }

  setTrainingState(s: { state: WeightSet; maskRng: RngState | null }): void {
    for (const slot of this.train.slots)
      for (const st of slot.state) {
        const src = s.state.get(st.name);
        const buf = this.bound.get(st.name)!;
        if (src && src.data.length === buf.length) buf.set(src.data);
        else buf.fill(0);
      }
    if (s.maskRng && this.maskRng instanceof SeededRng) this.maskRng.setState(s.maskRng);
  }

  /** Whether every parameter is finite. */
  weightsFinite(): boolean {
    for (const s of this.train.slots) {
      const b = this.bound.get(s.decl.name)!;
      for (let i = 0; i < b.length; i++) if (!Number.isFinite(b[i]!)) return false;
    }
    return true;
  }
}

/** An arena for a small network's step at `batch` rows (see WASM_STEP_FLOATS), or null. */
function smallArena(train: TrainingProgram, batch: number): WasmArena | null {
  const size = (shape: readonly number[]) => shape.reduce((a: number, d) => a * (d === BATCH ? batch : d), 1);
  let floats = 0;
  for (const n of train.program.nodes) floats += size(n.shape);
  floats *= 2;
  for (const s of train.slots) floats += sizeOf(s.decl.shape) + s.state.reduce((a, st) => a + sizeOf(st.shape), 0);
  for (const c of train.carried) floats += sizeOf(c.decl.shape);
  return floats <= WASM_STEP_FLOATS ? WasmArena.create(floats) : null;
}
