/**
 * The training step as one ONNX graph, emitted from the engine's own training program
 * (buildTrainingProgram: forward, loss, regularization, gradients from the rule table, clipping,
 * optimizer update). K steps are unrolled into one graph so that one `run()` does K mini-batches
 * and its fixed cost is paid once; Loop is avoided because GPU providers lack it.
 *
 * Interface (K = steps per run, N = rows per mini-batch, all float):
 * - inputs  x [K·N, …input shape] ([K·N, F] for features, [K·N, C, H, W] for images), y [K·N, T], `<node>.mask` [K·N, C] per dropout layer (host-drawn, so runs
 *   are reproducible and match the TypeScript engine), lr [K, 1], t [K, 1] (step numbers, from 1),
 *   every parameter `<node>.W|b`, running statistic `<node>.running_mean|running_var` (batch norm)
 *   and optimizer state `<param>.<m|v|s>`.
 * - outputs loss [K, 1] (data loss of each step), pred [K·N, T] (optional), and for every parameter,
 *   statistic and state input `next.<name>` with its value after the K steps.
 */
import { BATCH } from '../backprop/ir.ts';
import { sizeOf } from '../tensor/tensor.ts';
import {
  buildGradientProgram,
  buildUpdateProgram,
  compiled,
  FLAT_PARAMS,
  shareGradName,
  SHARE_WEIGHT,
  type CompiledModel,
  type TrainingProgram,
} from '../model/compile.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { TrainConfig } from '../train/config.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { GraphBuilder, tensorProto, type Dim, type ElemType } from './builder.ts';
import { emitProgram } from './emit.ts';
import type { EmitTarget } from '../backprop/ops/types.ts';
import { META, NETWRIGHT_VERSION } from './export-model.ts';
import { encodeModel, type ModelProto } from './schema.ts';

export interface TrainStepOptions {
  /** Mini-batches per run (unrolled), default 1. */
  steps?: number;
  elem?: ElemType;
  /** Also output the predictions of every step (for training metrics). */
  withPred?: boolean;
  /** Give parameter inputs these values as defaults (initializers), and optimizer state zeros. */
  initialWeights?: WeightSet;
  /** 'cpu' for ONNX Runtime's CPU provider (faster max-pooling gradients); default 'portable'. */
  target?: EmitTarget;
  name?: string;
}

/** Names of the state the host carries from one run to the next. */
export interface TrainStepIo {
  steps: number;
  features: number;
  /** Per-sample shape of x: [features] or [channels, height, width]. */
  inputShape: number[];
  targets: number;
  /**
   * Tensors carried from run to run: input name, output name, shape. 'param' and 'statistic' (batch
   * norm's running statistics) are the model's weights; 'state' is the optimizer's.
   */
  carried: { name: string; next: string; shape: readonly number[]; kind: 'param' | 'statistic' | 'state' }[];
  /** Dropout masks: per-sample shape and rate. */
  masks: { name: string; shape: number[]; rate: number }[];
  withPred: boolean;
}

/** The name of the output carrying a parameter or state input's value after the run. */
export const nextName = (name: string): string => `next.${name}`;

/** Emit the K-step training graph for a network and training config. */
export function trainStepModel(
  source: GraphDoc | CompiledModel,
  config: TrainConfig,
  opts: TrainStepOptions = {},
): { model: ModelProto; io: TrainStepIo; program: TrainingProgram } {
  const compiledModel = compiled(source);
  const graph = compiledModel.graph;
  const tp = compiledModel.training(config);
  const K = opts.steps ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new Error(`steps per run must be a whole number ≥ 1 (got ${K})`);
  const withPred = opts.withPred ?? true;
  const b = new GraphBuilder(opts.elem ?? 'float32');
  const rowsDim: Dim = K === 1 ? 'N' : 'KN';
  const F = tp.features;
  const T = tp.targets;

  const carried: TrainStepIo['carried'] = [];
  for (const s of tp.slots) {
    carried.push({ name: s.decl.name, next: nextName(s.decl.name), shape: s.decl.shape, kind: 'param' });
    for (const st of s.state) carried.push({ name: st.name, next: nextName(st.name), shape: st.shape, kind: 'state' });
  }
  for (const c of tp.carried)
    carried.push({ name: c.decl.name, next: nextName(c.decl.name), shape: c.decl.shape, kind: 'statistic' });
  const inputShape = [...tp.inputShape];
  const masks = tp.masks.map((m) => ({ name: m.name, shape: m.shape.slice(1), rate: m.rate }));

  // Per-step slices of the batched inputs.
  const split = (name: string): string[] => (K === 1 ? [name] : b.op('Split', [name], { axis: 0 }, K, `${name}_k`));
  const xs = split(
    b.input(
      'x',
      [rowsDim, ...inputShape],
      b.elem,
      `Inputs (${inputShape.join(' × ')} per row) of K mini-batches of N rows, stacked`,
    ),
  );
  const ys = split(b.input('y', [rowsDim, T], b.elem, 'Targets, stacked like x'));
  const maskSplits = new Map(
    masks.map((m) => [
      m.name,
      split(
        b.input(m.name, [rowsDim, ...m.shape], b.elem, `Dropout mask (u >= ${m.rate}) / (1 - ${m.rate}) per element`),
      ),
    ]),
  );
  const lrs = split(b.input('lr', [K, 1], b.elem, 'Learning rate of each step'));
  const ts = split(b.input('t', [K, 1], b.elem, 'Step number of each step, counting from 1 (Adam bias correction)'));
  let current = new Map<string, string>();
  for (const c of carried) {
    current.set(c.name, b.input(c.name, c.shape));
    if (opts.initialWeights) {
      const w = opts.initialWeights.get(c.name);
      if (c.kind !== 'state' && !w) throw new Error(`No weights for parameter '${c.name}'`);
      defaultValue(b, c.name, c.shape, c.kind !== 'state' ? w!.data : null);
    }
  }

  const losses: string[] = [];
  const preds: string[] = [];
  const stepOutputs = [
    tp.dataLoss,
    ...(withPred ? [tp.pred] : []),
    ...tp.slots.flatMap((s) => [s.next, ...s.state.map((st) => st.next)]),
    ...tp.carried.map((c) => c.next),
  ];
  for (let k = 0; k < K; k++) {
    const inputs = new Map<string, string>([
      ['x', xs[k]!],
      ['y', ys[k]!],
      ['lr', lrs[k]!],
      ['t', ts[k]!],
    ]);
    for (const m of masks) inputs.set(m.name, maskSplits.get(m.name)![k]!);
    for (const [name, v] of current) inputs.set(name, v);
    const names = emitProgram(tp.program, b, stepOutputs, {
      inputs,
      batchRef: xs[k]!,
      prefix: K === 1 ? '' : `s${k}/`,
      ...(opts.target ? { target: opts.target } : {}),
    });
    losses.push(names.get(tp.dataLoss)!);
    if (withPred) preds.push(names.get(tp.pred)!);
    const next = new Map<string, string>();
    for (const s of tp.slots) {
      next.set(s.decl.name, names.get(s.next)!);
      for (const st of s.state) next.set(st.name, names.get(st.next)!);
    }
    for (const c of tp.carried) next.set(c.decl.name, names.get(c.next)!);
    current = next;
  }
  b.output(
    'loss',
    K === 1 ? losses[0]! : b.op1('Concat', losses, { axis: 0 }, 'losses'),
    [K, 1],
    b.elem,
    'Data loss of each step (without regularization)',
  );
  if (withPred)
    b.output(
      'pred',
      K === 1 ? preds[0]! : b.op1('Concat', preds, { axis: 0 }, 'preds'),
      [rowsDim, T],
      b.elem,
      'Predictions of each step, before its update',
    );
  for (const c of carried) {
    let v = current.get(c.name)!;
    // An output may not be a graph input itself (a parameter with no gradient path stays put).
    if (v === c.name) v = b.op1('Identity', [v]);
    b.output(c.next, v, c.shape);
  }
  const io: TrainStepIo = { steps: K, features: F, inputShape, targets: T, carried, masks, withPred };
  const model = b.model(opts.name ?? 'netwright_train_step', {
    doc: `Netwright training step: ${K} mini-batch${K === 1 ? '' : 'es'} of ${config.optimizer.name} on ${tp.loss} per run. Feed each next.<name> output back as <name> for the following run.`,
    metadata: {
      [META.kind]: 'train-step',
      [META.version]: NETWRIGHT_VERSION,
      [META.graph]: JSON.stringify(graph),
      'netwright.train_config': JSON.stringify(config),
      'netwright.train_io': JSON.stringify(io),
    },
    producerVersion: NETWRIGHT_VERSION,
  });
  return { model, io, program: tp };
}

/** Bytes of the K-step training model. */
export function exportTrainStepOnnx(
  graph: GraphDoc | CompiledModel,
  config: TrainConfig,
  opts: TrainStepOptions = {},
): Uint8Array {
  return encodeModel(trainStepModel(graph, config, opts).model);
}

// An initializer with the same name as a graph input is that input's default value (ONNX IR ≥ 4).
function defaultValue(b: GraphBuilder, name: string, shape: readonly number[], data: ArrayLike<number> | null): void {
  if (shape.includes(BATCH)) throw new Error(`'${name}' has a batch-sized shape and cannot have a default`);
  b.initializers.push(tensorProto(name, shape, data ?? new Float64Array(sizeOf(shape)), b.elem));
}

/**
 * The two graphs of a data-parallel step (src-engine/node/ort/parallel.ts), each run by one core:
 * - `grad` takes one share of a mini-batch (x, y, dropout masks), its weight `share` (its rows over
 *   the batch's) and every parameter by its name, and gives the share's data loss [1, 1] (mean over
 *   its rows), its predictions, and `grad` [1, P]: the gradient of the loss times the weight for
 *   every parameter side by side, in `layout` order.
 * - `update` takes `params` [1, P], the optimizer state `params.<m|v|s>` laid out the same way, lr,
 *   t, and each share's `grad<k>`, and gives
 *   `next.params` and `next.params.<m|v|s>`.
 * Only for networks without running statistics (buildGradientProgram refuses batch norm).
 */
export function dataParallelModels(
  source: GraphDoc | CompiledModel,
  config: TrainConfig,
  opts: { shares?: number; target?: EmitTarget } = {},
): {
  grad: ModelProto;
  update: ModelProto;
  io: TrainStepIo;
  /** The parameters in the order they lie in the [1, P] rows, with their offsets. */
  layout: { name: string; shape: readonly number[]; offset: number; size: number }[];
  /** Optimizer state suffixes (`params.<suffix>` in the update graph). */
  stateNames: string[];
} {
  const compiledModel = compiled(source);
  const shares = opts.shares ?? 2;
  const gp = buildGradientProgram(compiledModel.graph, compiledModel.analysis);
  const up = buildUpdateProgram(gp.trainable, config, shares);
  const meta = (kind: string) => ({
    [META.kind]: kind,
    [META.version]: NETWRIGHT_VERSION,
    [META.graph]: JSON.stringify(compiledModel.graph),
  });
  let offset = 0;
  const layout = gp.trainable.map((d) => {
    const size = sizeOf(d.shape);
    const entry = { name: d.name, shape: d.shape, offset, size };
    offset += size;
    return entry;
  });
  const row = [1, up.size];

  const g = new GraphBuilder('float32');
  const inputShape = [...gp.inputShape];
  const inputs = new Map<string, string>([
    ['x', g.input('x', ['N', ...inputShape], g.elem, `Inputs (${inputShape.join(' × ')} per row) of one share`)],
    ['y', g.input('y', ['N', gp.targets], g.elem, 'Targets of the share')],
    [SHARE_WEIGHT, g.input(SHARE_WEIGHT, [1, 1], g.elem, 'The share’s rows over the mini-batch’s')],
  ]);
  const masks = gp.masks.map((m) => ({ name: m.name, shape: m.shape.slice(1), rate: m.rate }));
  for (const m of masks) inputs.set(m.name, g.input(m.name, ['N', ...m.shape], g.elem, 'Dropout mask of the share'));
  for (const d of gp.trainable) inputs.set(d.name, g.input(d.name, d.shape));
  const gNames = emitProgram(gp.program, g, [gp.dataLoss, gp.pred, ...gp.grads], {
    inputs,
    ...(opts.target ? { target: opts.target } : {}),
  });
  g.output('loss', gNames.get(gp.dataLoss)!, [1, 1], g.elem, 'Data loss of the share (mean over its rows)');
  g.output('pred', gNames.get(gp.pred)!, ['N', gp.targets], g.elem, 'Predictions of the share');
  const flat = gp.trainable.map((d, i) => g.op1('Reshape', [gNames.get(gp.grads[i]!)!, g.int64([1, sizeOf(d.shape)])]));
  g.output(
    'grad',
    flat.length === 1 ? g.op1('Identity', flat) : g.op1('Concat', flat, { axis: 1 }),
    row,
    g.elem,
    'Gradient of the share’s data loss for every parameter, side by side',
  );

  const u = new GraphBuilder('float32');
  const uInputs = new Map<string, string>();
  const uIn = (name: string, shape: readonly number[]) => uInputs.set(name, u.input(name, shape));
  uIn('lr', [1, 1]);
  uIn('t', [1, 1]);
  uIn(FLAT_PARAMS, row);
  for (const st of up.state) uIn(st.name, row);
  for (let k = 0; k < shares; k++) uIn(shareGradName(k), row);
  const uNames = emitProgram(up.program, u, [up.next, ...up.state.map((st) => st.next)], { inputs: uInputs });
  for (const [name, v] of [[FLAT_PARAMS, up.next], ...up.state.map((st) => [st.name, st.next] as const)] as const) {
    let out = uNames.get(v)!;
    if (out === name) out = u.op1('Identity', [out]);
    u.output(nextName(name), out, row);
  }
  const stateNames = up.state.map((st) => st.name.slice(FLAT_PARAMS.length + 1));
  const carried: TrainStepIo['carried'] = [];
  for (const d of layout) {
    carried.push({ name: d.name, next: nextName(d.name), shape: d.shape, kind: 'param' });
    for (const s of stateNames)
      carried.push({ name: `${d.name}.${s}`, next: nextName(`${d.name}.${s}`), shape: d.shape, kind: 'state' });
  }
  const io: TrainStepIo = {
    steps: 1,
    features: gp.features,
    inputShape,
    targets: gp.targets,
    carried,
    masks,
    withPred: true,
  };
  return {
    grad: g.model('netwright_share_gradients', {
      doc: 'Netwright data-parallel step, part 1: one share of a mini-batch, its data loss and gradients.',
      metadata: meta('train-share-gradients'),
      producerVersion: NETWRIGHT_VERSION,
    }),
    update: u.model('netwright_share_update', {
      doc: `Netwright data-parallel step, part 2: the sum of the shares' gradients, then ${config.optimizer.name}.`,
      metadata: { ...meta('train-share-update'), 'netwright.train_config': JSON.stringify(config) },
      producerVersion: NETWRIGHT_VERSION,
    }),
    io,
    layout,
    stateNames,
  };
}
