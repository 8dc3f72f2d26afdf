/**
 * One training step, every number of it: the forward pass layer by layer (values and shapes), the
 * loss, the backward pass layer by layer (the gradient of the loss with respect to each layer's
 * output and pre-activation), and the optimizer's update of each parameter (old value, gradient, new
 * value, and its state such as Adam's m and v). The same program the engine trains with, run once
 * with every intermediate kept, so what a learner sees is exactly what training does.
 */
import { Executable } from '../backprop/interpreter.ts';
import type { GraphDoc } from '../graph/document.ts';
import { buildTrainingProgram, type TrainingProgram } from '../model/compile.ts';
import { adamStateScale } from '../optim/index.ts';
import { SeededRng } from '../tensor/rng.ts';
import type { DType } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from '../train/config.ts';

/** A tensor in the trace: its shape (batch dimension concrete) and values, row-major. */
export interface TracedTensor {
  shape: number[];
  values: number[];
}

export interface TracedNode {
  id: string;
  type: string;
  /** The layer's output for the batch. */
  output: TracedTensor;
  /** d(loss)/d(output); null when the loss does not depend on it. */
  grad: TracedTensor | null;
  /** Layers with an activation: the value before it, and its gradient. */
  pre?: TracedTensor;
  preGrad?: TracedTensor;
}

export interface TracedParam {
  shape: number[];
  value: number[];
  grad: number[];
  next: number[];
  /** Optimizer state by name (m, v, s): before and after the step. */
  state: Record<string, { value: number[]; next: number[] }>;
}

export interface StepTrace {
  /** Rows in the batch. */
  rows: number;
  /** The batch itself. */
  x: TracedTensor;
  y: TracedTensor;
  /** Data loss (the number training reports) and the loss minimised (with L1/L2 penalties). */
  loss: number;
  objective: number;
  /** In topological order. */
  nodes: TracedNode[];
  /** Keyed like the project's weights (`hidden.W`). */
  params: Record<string, TracedParam>;
  optimizer: {
    name: string;
    lr: number;
    /** Step number (Adam's bias corrections use it). */
    t: number;
    /** Adam / AdamW: 1 - beta1^t and 1 - beta2^t. */
    biasCorrection?: { m: number; v: number };
  };
}

export interface StepInput {
  graph: GraphDoc;
  config: TrainConfig;
  weights: WeightSet;
  /** Optimizer state to start from (default zeros), by `<param>.<state>` name. */
  state?: WeightSet;
  batch: { x: Float32Array | Float64Array; y: Float32Array | Float64Array; rows: number };
  /** Learning rate of this step (default the configured one) and its number t (default 1). */
  lr?: number;
  t?: number;
  dtype?: DType;
}

/** Run one training step with every intermediate value and gradient kept. */
export function traceStep(inp: StepInput): StepTrace {
  return new StepTracer(inp.graph, inp.config, inp.batch.rows, inp.dtype).run(inp);
}

/**
 * A training step compiled once (for a batch size) with every intermediate kept, to run again with
 * other weights or rows: the gradient-flow view re-measures a probe batch as training goes on.
 */
export class StepTracer {
  private readonly tp: TrainingProgram;
  private readonly exe: Executable;
  private readonly reaches: Uint8Array;

  constructor(
    readonly graph: GraphDoc,
    readonly config: TrainConfig,
    readonly rows: number,
    dtype: DType = 'float32',
  ) {
    const tp = buildTrainingProgram(graph, config, undefined, { traceNodes: true });
    this.tp = tp;
    const outputs = new Set<number>([tp.dataLoss, tp.loss_]);
    for (const v of tp.values.values()) outputs.add(v);
    for (const v of tp.preValues.values()) outputs.add(v);
    for (const g of tp.valueGrads.values()) outputs.add(g);
    for (const s of tp.slots) {
      outputs.add(s.grad);
      outputs.add(s.next);
      for (const st of s.state) outputs.add(st.next);
    }
    this.exe = new Executable(tp.program, [...outputs], { batch: rows, dtype });
    // Values the loss does not depend on (an output whose loss is computed from its logits) have no gradient.
    this.reaches = new Uint8Array(tp.program.nodes.length);
    this.reaches[tp.loss_] = 1;
    for (let id = tp.loss_; id >= 0; id--)
      if (this.reaches[id]) for (const i of tp.program.nodes[id]!.inputs) this.reaches[i] = 1;
  }

  run(inp: Omit<StepInput, 'graph' | 'config' | 'dtype'>): StepTrace {
    const { tp, exe } = this;
    const { rows } = this;
    if (inp.batch.rows !== rows) throw new RangeError(`This tracer runs ${rows} rows; got ${inp.batch.rows}.`);
    const fill = (name: string, data: ArrayLike<number>) => {
      const buf = exe.input(name);
      if (data.length !== buf.length)
        throw new RangeError(`'${name}' needs ${buf.length} values for ${rows} rows; got ${data.length}.`);
      buf.set(data);
    };
    fill('x', inp.batch.x.subarray(0, rows * tp.features));
    fill('y', inp.batch.y.subarray(0, rows * tp.targets));
    const lr = inp.lr ?? this.config.optimizer.lr;
    const t = inp.t ?? 1;
    if (exe.hasInput('lr')) exe.input('lr')[0] = lr;
    if (exe.hasInput('t')) exe.input('t')[0] = t;
    for (const s of tp.slots) {
      const w = inp.weights.get(s.decl.name);
      if (!w) throw new RangeError(`No weights for parameter '${s.decl.name}'.`);
      fill(s.decl.name, w.data);
      for (const st of s.state) {
        const v = inp.state?.get(st.name);
        // Given as textbook moments; Adam's program keeps them scaled (see adamStateScale).
        const k = adamStateScale(this.config.optimizer, st.name.slice(s.decl.name.length + 1));
        if (v) fill(st.name, k === 1 ? v.data : Array.from(v.data, (x) => x / k));
        else exe.input(st.name).fill(0);
      }
    }
    // Dropout masks from the run's mask generator, as the TypeScript backend draws them for its first step.
    const maskRng = new SeededRng((this.config.seed ^ 0x85ebca6b) >>> 0);
    for (const m of tp.masks) {
      const buf = exe.input(m.name);
      const keep = 1 / (1 - m.rate);
      for (let i = 0; i < buf.length; i++) buf[i] = maskRng.uniform() >= m.rate ? keep : 0;
    }
    // Inputs as they were (parameters and state buffers are read, never written, by run()).
    const before = new Map<string, number[]>();
    for (const s of tp.slots) {
      before.set(s.decl.name, Array.from(exe.input(s.decl.name)));
      for (const st of s.state) before.set(st.name, Array.from(exe.input(st.name)));
    }
    exe.run();

    const tensor = (id: number): TracedTensor => ({
      shape: exe.dims(tp.program.shape(id)),
      values: Array.from(exe.value(id)),
    });
    const gradOf = (v: number): TracedTensor | null => {
      const g = tp.valueGrads.get(v);
      return g === undefined || !this.reaches[v] ? null : tensor(g);
    };
    const nodes: TracedNode[] = [];
    for (const node of this.graph.nodes.filter((n) => tp.values.has(n.id)).sort(byProgramOrder(tp))) {
      const out = tp.values.get(node.id)!;
      const entry: TracedNode = { id: node.id, type: node.type, output: tensor(out), grad: gradOf(out) };
      const pre = tp.preValues.get(node.id);
      if (pre !== undefined && pre !== out) {
        entry.pre = tensor(pre);
        const pg = gradOf(pre);
        if (pg) entry.preGrad = pg;
      }
      nodes.push(entry);
    }
    const params: Record<string, TracedParam> = {};
    for (const s of tp.slots) {
      const state: TracedParam['state'] = {};
      for (const st of s.state) {
        const key = st.name.slice(s.decl.name.length + 1);
        // The textbook moments (Adam keeps them scaled; see adamStateScale).
        const k = adamStateScale(this.config.optimizer, key);
        state[key] = {
          value: before.get(st.name)!.map((v) => v * k),
          next: Array.from(exe.value(st.next), (v) => v * k),
        };
      }
      params[s.decl.name] = {
        shape: [...s.decl.shape],
        value: before.get(s.decl.name)!,
        grad: Array.from(exe.value(s.grad)),
        next: Array.from(exe.value(s.next)),
        state,
      };
    }
    const opt = this.config.optimizer;
    return {
      rows,
      x: { shape: [rows, ...tp.inputShape], values: Array.from(inp.batch.x.subarray(0, rows * tp.features)) },
      y: { shape: [rows, tp.targets], values: Array.from(inp.batch.y.subarray(0, rows * tp.targets)) },
      loss: exe.value(tp.dataLoss)[0]!,
      objective: exe.value(tp.loss_)[0]!,
      nodes,
      params,
      optimizer: {
        name: opt.name,
        lr,
        t,
        ...(opt.name === 'adam' || opt.name === 'adamw'
          ? { biasCorrection: { m: 1 - Math.exp(t * Math.log(opt.beta1)), v: 1 - Math.exp(t * Math.log(opt.beta2)) } }
          : {}),
      },
    };
  }
}

/** Graph nodes in the order the program computes them. */
function byProgramOrder(tp: TrainingProgram) {
  return (a: { id: string }, b: { id: string }) => tp.values.get(a.id)! - tp.values.get(b.id)!;
}
