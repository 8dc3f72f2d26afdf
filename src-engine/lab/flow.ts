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
import type { FlowView } from '../protocol/training.ts';
import { StepTracer, type StepTrace } from './step.ts';

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

/**
 * Which layer's gradients blew up first, from the flow measured during a run that diverged, and what
 * to try: a sentence for the learner (null when too little was measured to say).
 */
export function divergenceAdvice(history: FlowView | undefined, lr: number, clipNorm: number): string | null {
  if (!history || history.epochs.length < 2) return null;
  let worst: { id: string; growth: number; at: number } | null = null;
  for (const l of history.layers) {
    const series = l.weightGradRms.map((v, i) => v ?? l.gradRms[i] ?? null);
    const first = series.find((v) => v !== null && v > 0);
    if (first === undefined || first === null) continue;
    // The first sample at which this layer's gradient grew tenfold, and how far it grew by the end.
    const at = series.findIndex((v) => v !== null && v > 10 * first);
    const last = [...series].reverse().find((v) => v !== null) ?? first;
    const growth = last / first;
    const when = at < 0 ? Infinity : at;
    if (!worst || when < worst.at || (when === worst.at && growth > worst.growth))
      worst = { id: l.id, growth, at: when };
  }
  if (!worst || worst.growth < 10) return null;
  const lower = Number((lr / 10).toPrecision(2));
  return `The gradients of layer '${worst.id}' grew first (${Math.round(worst.growth).toLocaleString('en-US')}× their size at the start). Try a learning rate of ${lower}${clipNorm ? '' : ', or gradient clipping (a clip norm of 1)'}.`;
}
