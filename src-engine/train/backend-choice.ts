/**
 * Which backend trains a run: the one place that decides, for the app's worker and the CLI alike
 * (both call it through TrainingSession). 'ts' and 'ort' are taken as asked; 'auto' estimates the
 * time of the whole run on each and takes the faster, and says why in a sentence. The estimate is a
 * small cost model of one training step — a fixed cost, multiply-adds and element-wise work — whose
 * constants were measured on the 2-core reference machine by `npx tsx bench/backend-crossover.ts`
 * (see bench/RESULTS.md); ONNX Runtime also pays once to compile its sessions.
 */
import type { OpKind } from '../backprop/ir.ts';
import { BATCH } from '../backprop/ir.ts';
import type { CompiledModel, TrainingProgram } from '../model/compile.ts';
import type { TrainConfig } from './config.ts';

export interface BackendChoice {
  /** 'perceptron': the perceptron rule's own backend (not gradient descent). */
  backend: 'ts' | 'ort' | 'perceptron';
  /** One sentence: what was chosen and why. */
  reason: string;
}

/** The work of one training step. */
export interface StepWork {
  /** Multiply-adds of the matrix products (forward and backward). */
  macs: number;
  /** Values computed by the other ops (activations, gradients, the optimizer update, losses). */
  elements: number;
  /** Op kinds of the program the TypeScript engine has no fast path for (convolutions, say). */
  slowOps: string[];
}

/** Op kinds the TypeScript engine runs with its own tuned kernels or generated loops. */
const TS_OPS: ReadonlySet<string> = new Set<OpKind>([
  'input',
  'const',
  'unary',
  'binary',
  'matmul',
  'sumTo',
  'broadcastTo',
  'logsumexp',
  'softmax',
  'concat',
  'slice',
  'rows',
  'reshape',
]);

/**
 * Step costs in microseconds, measured (bench/backend-crossover.ts, medians on the 2-core machine):
 * a fixed part per step, then per million multiply-adds and per million element-wise values.
 */
export const STEP_COST = {
  ts: { fixed: 2, perMmac: 330, perMelement: 3.5 },
  /** Per step with the backend's default of 8 mini-batches per run. */
  ort: { fixed: 40, perMmac: 11, perMelement: 1.2 },
  /** Compiling ONNX Runtime's sessions, once per run (microseconds). */
  ortSetup: 250_000,
} as const;

/**
 * The work of one step of a training program on `batch` rows: the nodes the step's outputs (loss,
 * predictions, updated parameters and optimizer state) depend on, as every backend runs them (the
 * gradient with respect to the input data, say, is built but never computed).
 */
export function stepWork(tp: TrainingProgram, batch: number): StepWork {
  const size = (shape: readonly number[]) => shape.reduce((a, d) => a * (d === BATCH ? batch : d), 1);
  const nodes = tp.program.nodes;
  const live = new Set<number>();
  const todo = [tp.dataLoss, tp.pred, ...tp.slots.flatMap((s) => [s.next, ...s.state.map((st) => st.next)])];
  for (let id = todo.pop(); id !== undefined; id = todo.pop())
    if (!live.has(id)) {
      live.add(id);
      todo.push(...nodes[id]!.inputs);
    }
  let macs = 0;
  let elements = 0;
  const slow = new Set<string>();
  // In program order, so that the reason names the layers as the network has them.
  for (const n of nodes) {
    if (!live.has(n.id)) continue;
    if (!TS_OPS.has(n.op.kind)) slow.add(n.op.kind);
    if (n.op.kind === 'matmul') {
      const a = nodes[n.inputs[0]!]!.shape;
      const k = n.op.transA ? a[0]! : a[1]!;
      macs += size(n.shape) * (k === BATCH ? batch : k);
    } else if (n.op.kind !== 'input' && n.op.kind !== 'const') elements += size(n.shape);
  }
  return { macs, elements, slowOps: [...slow] };
}

/** What a user calls the layers behind the ops the TypeScript engine has no fast path for. */
const OP_WORDS: Partial<Record<string, string>> = {
  conv2d: 'convolutions',
  conv2dInputGrad: 'convolutions',
  conv2dFilterGrad: 'convolutions',
  maxPool2d: 'max pooling',
  maxPool2dGrad: 'max pooling',
  avgPool2d: 'average pooling',
  avgPool2dGrad: 'average pooling',
  globalAvgPool: 'global average pooling',
  batchNorm: 'batch normalization',
};

/** "convolutions and max pooling", "convolutions, max pooling and batch normalization". */
function layerWords(ops: readonly string[]): string {
  const words = [...new Set(ops.map((op) => OP_WORDS[op] ?? `${op} ops`))];
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const us = (v: number): string => (v >= 1000 ? `${(v / 1000).toPrecision(2)} ms` : `${Math.round(v)} µs`);
const count = (v: number): string =>
  v >= 1e6 ? `${(v / 1e6).toPrecision(3)} M` : v >= 1e4 ? `${Math.round(v / 1e3)} k` : String(Math.round(v));

/** Estimated microseconds of one step on each backend. */
export function stepCost(work: StepWork): { ts: number; ort: number } {
  const c = (k: { fixed: number; perMmac: number; perMelement: number }) =>
    k.fixed + (work.macs / 1e6) * k.perMmac + (work.elements / 1e6) * k.perMelement;
  return { ts: c(STEP_COST.ts), ort: c(STEP_COST.ort) };
}

/**
 * The backend for a run. `rows` is the number of training rows; `ortAvailable` says whether this host
 * has ONNX Runtime (the app's worker and the CLI do).
 */
export function chooseBackend(req: {
  model: CompiledModel;
  config: TrainConfig;
  rows: number;
  ortAvailable?: boolean;
}): BackendChoice {
  const { model, config } = req;
  const asked = config.backend;
  const fwd = model.forward;
  if (fwd.loss === 'perceptron' && asked !== 'ort')
    return { backend: 'perceptron', reason: 'the perceptron rule trains on its own backend' };
  if (asked === 'ts') return { backend: 'ts', reason: 'the TypeScript engine, as chosen in the settings' };
  if (asked === 'ort') return { backend: 'ort', reason: 'ONNX Runtime, as chosen in the settings' };
  if (req.ortAvailable === false)
    return { backend: 'ts', reason: 'auto: the TypeScript engine (ONNX Runtime is not available here)' };
  const rows = Math.max(1, req.rows);
  const batch = config.batchSize === 0 ? rows : Math.min(config.batchSize, rows);
  const work = stepWork(model.training(config), batch);
  if (work.slowOps.length)
    return {
      backend: 'ort',
      reason: `auto: ONNX Runtime, because the network has ${layerWords(work.slowOps)}, which ONNX Runtime trains several times faster than the TypeScript engine`,
    };
  const steps = config.epochs * Math.ceil(rows / batch);
  const cost = stepCost(work);
  const tsTotal = steps * cost.ts;
  const ortTotal = STEP_COST.ortSetup + steps * cost.ort;
  const what = `${count(work.macs)} multiply-adds a step at batch ${batch}`;
  if (ortTotal < tsTotal)
    return {
      backend: 'ort',
      reason: `auto: ONNX Runtime, faster for this network (${what}: about ${us(cost.ort)} a step against ${us(cost.ts)} on the TypeScript engine)`,
    };
  return {
    backend: 'ts',
    reason:
      cost.ort < cost.ts
        ? `auto: the TypeScript engine, as this run is too short for ONNX Runtime's set-up to pay off (${steps.toLocaleString('en-US')} steps of ${what})`
        : `auto: the TypeScript engine, faster for this small network (${what}: about ${us(cost.ts)} a step against ${us(cost.ort)} on ONNX Runtime)`,
  };
}

/** What 'auto' trains on when ONNX Runtime, which it chose, could not start (`message`: its error). */
export function autoFallback(message: string): BackendChoice {
  return {
    backend: 'ts',
    reason: `auto: the TypeScript engine, because ONNX Runtime could not start (${message.replace(/\.$/, '')})`,
  };
}
