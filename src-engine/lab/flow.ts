/**
 * How gradients flow through a network: for each layer, the size of the gradient reaching its output
 * (and of its weights' gradient), and statistics of its activations — mean, spread, the share of
 * saturated units (sigmoid or tanh near their limits, where the derivative vanishes) and of dead units
 * (ReLU-like units that are zero for every sample of the batch). Measured on a fixed probe batch with
 * the current weights, so a curve over training shows gradients vanishing or exploding layer by layer.
 */
import type { ActivationName } from '../layers/activations.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from '../train/config.ts';
import type { Dataset } from '../data/dataset.ts';
import { Trainer, type Checkpoint } from '../train/trainer.ts';
import { StepTracer, type StepTrace } from './step.ts';

/**
 * How gradients flow, measured on a probe batch as training goes: per layer, over the epochs sampled,
 * the size of the gradient at its output and of its weights' gradient, and its activations' statistics.
 */
export interface FlowView {
  /** Epochs at which the probe was measured. */
  epochs: number[];
  layers: {
    id: string;
    type: string;
    gradRms: (number | null)[];
    weightGradRms: (number | null)[];
    mean: number[];
    std: number[];
    saturated: (number | null)[];
    dead: (number | null)[];
  }[];
}

export interface LayerFlow {
  id: string;
  type: string;
  /** Root mean square of d(loss)/d(output) over the batch (null where the loss does not reach it). */
  gradRms: number | null;
  /** Root mean square of the layer's weight gradient (layers with weights). */
  weightGradRms: number | null;
  /** Mean and standard deviation of the layer's output values. */
  mean: number;
  std: number;
  /** Share of output values where a sigmoid or tanh is saturated (derivative below 1% of its peak). */
  saturated: number | null;
  /** Share of units (columns) that are zero for every sample: dead ReLU units. */
  dead: number | null;
}

const SATURATING: Partial<Record<ActivationName, (y: number) => boolean>> = {
  // sigmoid' = y (1 - y) <= 0.01 * 0.25
  sigmoid: (y) => y * (1 - y) <= 0.0025,
  // tanh' = 1 - y² <= 0.01
  tanh: (y) => 1 - y * y <= 0.01,
};
const DYING = new Set<string>(['relu']);

const rms = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s / Math.max(1, v.length));
};

/** Per-layer gradient sizes and activation statistics from one traced step (or from a probe batch). */
export function flowOfTrace(graph: GraphDoc, trace: StepTrace): LayerFlow[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return trace.nodes
    .filter((n) => n.type !== 'Input')
    .map((n) => {
      const node = byId.get(n.id)!;
      const act = String(node.params.activation ?? (n.type === 'Softmax' ? 'softmax' : 'linear')) as ActivationName;
      const v = n.output.values;
      let mean = 0;
      for (const x of v) mean += x;
      mean /= Math.max(1, v.length);
      let varSum = 0;
      for (const x of v) varSum += (x - mean) ** 2;
      const sat = SATURATING[act];
      let saturated: number | null = null;
      if (sat) {
        let k = 0;
        for (const x of v) if (sat(x)) k++;
        saturated = k / Math.max(1, v.length);
      }
      let dead: number | null = null;
      if (DYING.has(act)) {
        const rows = n.output.shape[0]!;
        const cols = v.length / Math.max(1, rows);
        let d = 0;
        for (let c = 0; c < cols; c++) {
          let alive = false;
          for (let r = 0; r < rows && !alive; r++) if (v[r * cols + c]! > 0) alive = true;
          if (!alive) d++;
        }
        dead = d / Math.max(1, cols);
      }
      const w = trace.params[`${n.id}.W`];
      return {
        id: n.id,
        type: n.type,
        gradRms: n.grad ? rms(n.grad.values) : null,
        weightGradRms: w ? rms(w.grad) : null,
        mean,
        std: Math.sqrt(varSum / Math.max(1, v.length)),
        saturated,
        dead,
      };
    });
}

/** The flow through a network with these weights on a probe batch (no update is kept). */
export function gradientFlow(inp: {
  graph: GraphDoc;
  config: TrainConfig;
  weights: WeightSet;
  batch: { x: Float32Array; y: Float32Array; rows: number };
}): LayerFlow[] {
  return new FlowProbe(inp.graph, inp.config, inp.batch).measure(inp.weights);
}

/** A probe batch compiled once, measured again as the weights change (the live gradient-flow view). */
export class FlowProbe {
  private readonly tracer: StepTracer;

  constructor(
    readonly graph: GraphDoc,
    config: TrainConfig,
    private readonly batch: { x: Float32Array; y: Float32Array; rows: number },
  ) {
    // The data loss's gradients alone: penalties and clipping would hide what the data asks for.
    this.tracer = new StepTracer(graph, { ...config, l1: 0, l2: 0, clipNorm: 0 }, batch.rows);
  }

  measure(weights: WeightSet): LayerFlow[] {
    return flowOfTrace(this.graph, this.tracer.run({ weights, batch: this.batch }));
  }
}

/** Flow measurements over training, at most `max` samples (every other one dropped when full). */
export class FlowHistory {
  private samples: { epoch: number; layers: LayerFlow[] }[] = [];
  private every = 1;
  private seen = 0;

  constructor(private readonly max = 200) {}

  add(epoch: number, layers: LayerFlow[]): void {
    if (this.seen++ % this.every !== 0) return;
    this.samples.push({ epoch, layers });
    if (this.samples.length > this.max) {
      this.samples = this.samples.filter((_, i) => i % 2 === 0);
      this.every *= 2;
    }
  }

  /** As the page draws it: one series per layer and statistic. */
  view(): FlowView | undefined {
    const first = this.samples[0];
    if (!first) return undefined;
    return {
      epochs: this.samples.map((s) => s.epoch),
      layers: first.layers.map((l, k) => ({
        id: l.id,
        type: l.type,
        gradRms: this.samples.map((s) => s.layers[k]!.gradRms),
        weightGradRms: this.samples.map((s) => s.layers[k]!.weightGradRms),
        mean: this.samples.map((s) => s.layers[k]!.mean),
        std: this.samples.map((s) => s.layers[k]!.std),
        saturated: this.samples.map((s) => s.layers[k]!.saturated),
        dead: this.samples.map((s) => s.layers[k]!.dead),
      })),
    };
  }
}

/** Steps measured at most when an epoch is replayed to its blow-up (the last ones always among them). */
export const REPLAY_SAMPLES = 32;
/** The steps just before the blow-up, each measured whatever the epoch's length. */
const REPLAY_LAST = 8;

/**
 * The flow step by step through the epoch a run diverged in: the run is replayed from its state at the
 * start of that epoch (the trainer's `epochStart`, on the eager engine: bit-identical to a run on it)
 * and the probe measures the weights before the first step and after each step up to the blow-up —
 * at most REPLAY_SAMPLES of them, always the last REPLAY_LAST. A run that blows up in its first epoch
 * has only its starting weights measured otherwise; this is how the layer that blew up first is found.
 * Samples are labelled in epochs (epoch e, step b of B: e + b / B).
 */
export async function flowToDivergence(inp: {
  graph: GraphDoc;
  config: TrainConfig;
  train: Dataset;
  epochStart: Checkpoint;
  /** The step that diverged (0-based), or the epoch's last when the epoch's loss did. */
  batch: number;
  probe: FlowProbe;
  /** Gives the host's event loop a turn between steps. */
  yieldToHost?: () => Promise<void>;
}): Promise<FlowView | undefined> {
  const { epochStart, batch } = inp;
  const trainer = new Trainer({
    graph: inp.graph,
    config: { ...inp.config, validationSplit: 0, earlyStopping: null },
    train: inp.train,
    resume: epochStart,
    batchEvery: 1,
    checkpointEvery: 0,
    ...(inp.yieldToHost ? { yieldToHost: inp.yieldToHost } : {}),
  });
  const stride = Math.max(1, Math.ceil(batch / (REPLAY_SAMPLES - REPLAY_LAST)));
  const history = new FlowHistory(4 * REPLAY_SAMPLES);
  const e = epochStart.epoch;
  let steps = 1;
  history.add(e, inp.probe.measure(epochStart.weights));
  for await (const ev of trainer.run()) {
    if (ev.type === 'start') steps = ev.batchesPerEpoch;
    else if (ev.type === 'batch') {
      if (ev.batch % stride === 0 || ev.batch >= batch - REPLAY_LAST)
        history.add(e + (ev.batch + 1) / steps, inp.probe.measure(await trainer.backend.getWeights()));
      if (ev.batch >= batch) trainer.stop();
    } else if (ev.type === 'epoch' || ev.type === 'diverged') trainer.stop();
  }
  return history.view();
}

/** Rows of the gradient-flow probe batch. */
export const FLOW_ROWS = 64;

/** A probe on the first rows of the data a run trains on (null for the perceptron rule: no gradient). */
export function probeFor(graph: GraphDoc, config: TrainConfig, train: Dataset): FlowProbe | null {
  if (graph.nodes.some((n) => n.type === 'Output' && n.params.loss === 'perceptron')) return null;
  const rows = Math.min(FLOW_ROWS, train.rows);
  return new FlowProbe(graph, config, {
    x: train.x.subarray(0, rows * train.features),
    y: train.y.subarray(0, rows * train.targets),
    rows,
  });
}

/**
 * Which layer's gradients blew up first in a run that diverged, and what to try: the epoch it diverged
 * in replayed step by step from its start (so a run that blows up in its first epoch is explained
 * too), with that replay's flow to show, else the flow measured while it ran (`history`); nothing
 * when neither says. The engine worker and `netwright train` both ask here.
 */
export async function explainDivergence(inp: {
  graph: GraphDoc;
  config: TrainConfig;
  train: Dataset;
  /** The state the diverged epoch started from (the trainer's `keepEpochStart`). */
  epochStart: Checkpoint | undefined;
  batch: number;
  probe: FlowProbe | null;
  history?: FlowView;
  yieldToHost?: () => Promise<void>;
}): Promise<{ advice?: string; replay?: FlowView }> {
  const { config } = inp;
  const advise = (view: FlowView | undefined) => divergenceAdvice(view, config.optimizer.lr, config.clipNorm);
  if (inp.probe && inp.epochStart) {
    try {
      const replay = await flowToDivergence({ ...inp, probe: inp.probe, epochStart: inp.epochStart });
      const advice = advise(replay);
      if (advice) return { advice, ...(replay ? { replay } : {}) };
    } catch {
      // The flow measured while the run went on still says something.
    }
  }
  const advice = advise(inp.history);
  return advice ? { advice } : {};
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** A factor as a learner reads it: 1,020× up to a million, 6.2·10²⁵× beyond. */
function times(x: number): string {
  if (x < 1e6) return `${Math.round(x).toLocaleString('en-US')}×`;
  const [mantissa, exponent] = x.toExponential(1).split('e+') as [string, string];
  return `${mantissa}·10${[...exponent].map((d) => SUPERSCRIPT[Number(d)]).join('')}×`;
}

/** A gradient size's growth over its first measurement (Infinity once it is no longer a finite number). */
const growthOf = (v: number | null, first: number): number | null =>
  v === null ? null : Number.isFinite(v) ? v / first : Infinity;

/**
 * Which layer's gradients blew up first, from the flow measured during a run that diverged, and what
 * to try: a sentence for the learner (null when too little was measured to say). The first sample at
 * which some layer's gradient (its weights' where it has weights) is ten times its first measurement,
 * or no longer finite, decides: of the layers past tenfold there, the one that grew most (ties: the
 * one that grew most at the samples before).
 */
export function divergenceAdvice(history: FlowView | undefined, lr: number, clipNorm: number): string | null {
  if (!history || history.epochs.length < 2) return null;
  const layers = history.layers.flatMap((l) => {
    const series = l.weightGradRms.map((v, i) => v ?? l.gradRms[i] ?? null);
    const first = series[0];
    if (first === null || first === undefined || !Number.isFinite(first) || first <= 0) return [];
    return [{ id: l.id, growth: series.map((v) => growthOf(v, first)) }];
  });
  const samples = history.epochs.length;
  let at = -1;
  for (let s = 1; s < samples && at < 0; s++) if (layers.some((l) => (l.growth[s] ?? 0) >= 10)) at = s;
  if (at < 0) return null;
  const rank = (a: (typeof layers)[number], b: (typeof layers)[number]): number => {
    for (let s = at; s >= 1; s--) {
      const x = a.growth[s] ?? 0;
      const y = b.growth[s] ?? 0;
      if (x !== y) return y - x;
    }
    return 0;
  };
  const worst = layers.filter((l) => (l.growth[at] ?? 0) >= 10).sort(rank)[0]!;
  // How far it grew while it was still a number, and whether it then stopped being one.
  const finite = worst.growth.filter((g): g is number => g !== null && Number.isFinite(g));
  const most = Math.max(...finite);
  const broke = worst.growth.some((g) => g === Infinity);
  const size = `${times(most)} their size at the start`;
  const lower = Number((lr / 10).toPrecision(2));
  return `The gradients of layer '${worst.id}' grew first (${broke ? `to ${size}, then NaN or infinite` : size}). Try a learning rate of ${lower}${clipNorm ? '' : ', or gradient clipping (a clip norm of 1)'}.`;
}
