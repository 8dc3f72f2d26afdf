/**
 * From a layer graph to primitive programs: the forward pass (for predictions and views), and the
 * whole training step (forward, loss, regularization, gradients, clipping, optimizer update). Each
 * layer appends its own part (src-engine/layers); a model is compiled once per run and handed to the
 * backends, the views and the exporters.
 */
import { BATCH, Program, type Shape } from '../backprop/ir.ts';
import { gradients } from '../backprop/rules.ts';
import type { ActivationName } from '../layers/activations.ts';
import { layerDef, type LayerContext, type MaskDecl, type ParamDecl, type SampleShape } from '../layers/index.ts';
import { initialize } from '../layers/init.ts';
import { isTrainable } from '../layers/params.ts';
import { buildLoss, decisionRule, type DecisionRule, type LossName } from '../losses/index.ts';
import { makeOptimizer } from '../optim/index.ts';
import type { GraphDoc, GraphNode } from '../graph/document.ts';
import { analyzeGraph, incoming, type GraphAnalysis } from '../graph/validate.ts';
import type { Rng } from '../tensor/rng.ts';
import { allocate, sizeOf, type DType } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { TrainConfig } from '../train/config.ts';

export class GraphInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`The network is not valid: ${problems.join(' ')}`);
    this.name = 'GraphInvalidError';
  }
}

export interface ForwardModel {
  program: Program;
  /** Input features [N, …inputShape]. */
  x: number;
  /** Output before its activation [N, T]. */
  logits: number;
  /** Output after its activation [N, T]. */
  pred: number;
  /** Every parameter the program reads: trainable ones and running statistics (`trainable: false`). */
  params: ParamDecl[];
  masks: MaskDecl[];
  /** In a training program: the new value of each non-trainable parameter after the step. */
  updates: { name: string; next: number }[];
  /** Output value of every graph node, by node id. */
  values: Map<string, number>;
  /** Pre-activation values of nodes that have one. */
  preValues: Map<string, number>;
  inputNode: GraphNode;
  outputNode: GraphNode;
  /** Per-sample shape of the input ([features] or [channels, height, width]). */
  inputShape: SampleShape;
  /** Values per sample of the input. */
  features: number;
  targets: number;
  loss: LossName;
  activation: ActivationName;
  /** How the outputs become a class (classifiers). */
  decision: DecisionRule;
}

/** Append the forward pass of a valid graph to a new program. */
export function buildForward(
  graph: GraphDoc,
  opts: { training: boolean; program?: Program; analysis?: GraphAnalysis },
): ForwardModel {
  const analysis = opts.analysis ?? analyzeGraph(graph);
  if (!analysis.ok)
    throw new GraphInvalidError(analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message));
  const p = opts.program ?? new Program();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = incoming(graph);
  const ctx: LayerContext = { p, training: opts.training, masks: [], updates: [] };
  const params: ParamDecl[] = [];
  const values = new Map<string, number>();
  const preValues = new Map<string, number>();
  let x = -1;
  let inputNode: GraphNode | undefined;
  let outputNode: GraphNode | undefined;
  for (const id of analysis.order) {
    const node = byId.get(id)!;
    const def = layerDef(node.type);
    const srcs = ins.get(id)!;
    const shapes = srcs.map((s) => analysis.info[s]!.shape!);
    const declared: Record<string, number> = {};
    for (const ps of def.params?.(node, shapes) ?? []) {
      const name = `${node.id}.${ps.suffix}`;
      const decl: ParamDecl = { ...ps, name, nodeId: node.id, kind: ps.suffix, input: p.input(name, ps.shape) };
      params.push(decl);
      declared[ps.suffix] = decl.input;
    }
    const res = def.build(
      ctx,
      node,
      srcs.map((s) => values.get(s)!),
      shapes,
      declared,
    );
    values.set(id, res.out);
    if (res.pre !== undefined) preValues.set(id, res.pre);
    if (node.type === 'Input') {
      x = res.out;
      inputNode = node;
    }
    if (node.type === 'Output') outputNode = node;
  }
  if (!inputNode || !outputNode) throw new GraphInvalidError(['The network needs an Input and an Output layer.']);
  const inputShape = analysis.info[inputNode.id]!.shape!;
  const targets = Number(outputNode.params.units);
  const loss = outputNode.params.loss as LossName;
  return {
    program: p,
    x,
    logits: preValues.get(outputNode.id)!,
    pred: values.get(outputNode.id)!,
    params,
    masks: ctx.masks,
    updates: ctx.updates,
    values,
    preValues,
    inputNode,
    outputNode,
    inputShape,
    features: sizeOf(inputShape),
    targets,
    loss,
    activation: outputNode.params.activation as ActivationName,
    decision: decisionRule(loss, targets),
  };
}

export interface ParamSlot {
  decl: ParamDecl;
  grad: number;
  /** Updated value. */
  next: number;
  /** Optimizer state: program input names and their updated values. */
  state: { name: string; input: number; next: number; shape: Shape }[];
}

export interface TrainingProgram extends ForwardModel {
  /** Targets [N, T]. */
  y: number;
  lr: number;
  t: number;
  /** Data loss (without regularization), 1 × 1. */
  dataLoss: number;
  /** Loss actually minimised (with regularization), 1 × 1. */
  loss_: number;
  /** The trainable parameters, their gradients and optimizer updates. */
  slots: ParamSlot[];
  /** With `traceNodes`: d(loss)/d(value) for every layer's output and pre-activation value. */
  valueGrads: Map<number, number>;
  /** The non-trainable parameters (running statistics) and their values after the step. */
  carried: { decl: ParamDecl; next: number }[];
}

/** The whole training step as one program. */
export function buildTrainingProgram(
  graph: GraphDoc,
  config: TrainConfig,
  analysis?: GraphAnalysis,
  opts: { traceNodes?: boolean } = {},
): TrainingProgram {
  const program = new Program();
  // A traced step reads every layer's output and its gradient, so each must stay on the loss's path.
  program.poolBeforeRelu = !opts.traceNodes;
  const fwd = buildForward(graph, { training: true, program, ...(analysis ? { analysis } : {}) });
  const p = fwd.program;
  const y = p.input('y', [BATCH, fwd.targets]);
  const lr = p.input('lr', [1, 1]);
  const t = p.input('t', [1, 1]);
  const dataLoss = buildLoss(p, fwd.loss, { pred: fwd.pred, logits: fwd.logits, y, activation: fwd.activation });
  let total = dataLoss;
  const trainable = fwd.params.filter(isTrainable);
  const penalised = trainable.filter((d) => d.regularize);
  if (config.l2 > 0) for (const w of penalised) total = p.add(total, p.scale(p.sumAll(p.square(w.input)), config.l2));
  if (config.l1 > 0) for (const w of penalised) total = p.add(total, p.scale(p.sumAll(p.abs(w.input)), config.l1));
  // Tracing (the learning lab's step-through) also asks for the gradient of every layer's output.
  const traced = opts.traceNodes ? [...new Set([...fwd.values.values(), ...fwd.preValues.values()])] : [];
  const all = gradients(p, total, [...trainable.map((d) => d.input), ...traced]);
  const valueGrads = new Map(traced.map((v, i) => [v, all[trainable.length + i]!]));
  const slots: ParamSlot[] = updateParts(
    p,
    trainable.map((d) => ({ name: d.name, shape: d.shape, value: d.input })),
    all.slice(0, trainable.length),
    config,
    lr,
    t,
  ).map((u, i) => ({ decl: trainable[i]!, ...u }));
  const nextOf = new Map(fwd.updates.map((u) => [u.name, u.next]));
  const carried = fwd.params
    .filter((d) => !isTrainable(d))
    .map((decl) => ({ decl, next: nextOf.get(decl.name) ?? decl.input }));
  return { ...fwd, y, lr, t, dataLoss, loss_: total, slots, carried, valueGrads };
}

/** A tensor the optimizer updates: its name (state inputs are `<name>.<m|v|s>`), shape and program value. */
interface Updated {
  name: string;
  shape: Shape;
  value: number;
}

/**
 * The update part of a step, after the gradients: global-norm clipping, then the optimizer, for
 * each tensor with its gradient. The one place both the whole step and the data-parallel update
 * program build it.
 */
function updateParts(
  p: Program,
  params: readonly Updated[],
  gradsIn: readonly number[],
  config: TrainConfig,
  lr: number,
  t: number,
): { grad: number; next: number; state: ParamSlot['state'] }[] {
  let grads = [...gradsIn];
  if (config.clipNorm > 0) {
    // Global-norm clipping: g * c / max(|g|, c)
    let sq = p.const(0);
    for (const g of grads) sq = p.add(sq, p.sumAll(p.square(g)));
    const c = p.const(config.clipNorm);
    const factor = p.div(c, p.maximum(p.sqrt(sq), c));
    grads = grads.map((g) => p.mul(g, factor));
  }
  const opt = makeOptimizer(config.optimizer);
  return params.map((u, i) => {
    const stateInputs = opt.stateNames.map((s) => ({
      name: `${u.name}.${s}`,
      input: p.input(`${u.name}.${s}`, u.shape),
      shape: u.shape,
    }));
    const [next, ...nextState] = opt.update({
      p,
      param: u.value,
      grad: grads[i]!,
      state: stateInputs.map((s) => s.input),
      lr,
      t,
    });
    return { grad: grads[i]!, next: next!, state: stateInputs.map((s, k) => ({ ...s, next: nextState[k]! })) };
  });
}

/**
 * Data-parallel steps split a mini-batch into shares, each on its own core: this program computes
 * one share's data loss (mean over its rows) and the gradient of that loss times the share's weight
 * (input `share`: its rows over the batch's), so the shares' gradients add up to the batch's. The
 * weight enters before the mean's backward pass, so each row's part is (weight / rows) = 1 / batch
 * rows, as in the whole step: a sum of parts that cancel exactly there (MAE's ±1/N) cancels here
 * too, where weighting the shares' means afterwards left a rounding residue that Adam magnified.
 * No regularization (added once, in the update program). Only for networks without running
 * statistics: batch normalisation's statistics of a share are not the batch's.
 */
export interface GradientProgram extends ForwardModel {
  y: number;
  share: number;
  dataLoss: number;
  trainable: ParamDecl[];
  /** d(share · dataLoss)/d(trainable[i]). */
  grads: number[];
}

export function buildGradientProgram(graph: GraphDoc, analysis?: GraphAnalysis): GradientProgram {
  const program = new Program();
  program.poolBeforeRelu = true;
  const fwd = buildForward(graph, { training: true, program, ...(analysis ? { analysis } : {}) });
  const p = fwd.program;
  if (fwd.params.some((d) => !isTrainable(d)))
    throw new Error('A data-parallel step cannot split a batch for a network with running statistics (batch norm)');
  const y = p.input('y', [BATCH, fwd.targets]);
  const share = p.input(SHARE_WEIGHT, [1, 1]);
  const dataLoss = buildLoss(p, fwd.loss, { pred: fwd.pred, logits: fwd.logits, y, activation: fwd.activation });
  const trainable = fwd.params.filter(isTrainable);
  const grads = gradients(
    p,
    p.mul(dataLoss, share),
    trainable.map((d) => d.input),
  );
  return { ...fwd, y, share, dataLoss, trainable, grads };
}

/** The data-parallel update program's inputs: every parameter side by side in one row. */
export const FLAT_PARAMS = 'params';
/** Share `k`'s (weighted) gradient of every parameter, laid out like FLAT_PARAMS. */
export const shareGradName = (k: number): string => `grad${k}`;
/** The gradient program's input: the share's rows over the batch's. */
export const SHARE_WEIGHT = 'share';

/**
 * The update after a data-parallel step's shares, on every parameter at once: the parameters lie
 * side by side in one [1, P] row (`layout` order), so the optimizer's element-wise passes run once
 * per step instead of once per parameter tensor (the same arithmetic, element by element, as the
 * whole step's). The batch's gradient is the sum of the shares' (each already weighted by its rows,
 * see buildGradientProgram), plus the regularization's; then the same clipping and optimizer as
 * `buildTrainingProgram`. Optimizer state inputs are `params.<m|v|s>`, laid out the same way.
 */
export interface UpdateProgram {
  program: Program;
  size: number;
  next: number;
  state: ParamSlot['state'];
}

export function buildUpdateProgram(
  layout: readonly { shape: Shape; regularize?: boolean }[],
  config: TrainConfig,
  shares: number,
): UpdateProgram {
  const p = new Program();
  const size = layout.reduce((a, d) => a + sizeOf(d.shape), 0);
  const row = [1, size];
  const lr = p.input('lr', [1, 1]);
  const t = p.input('t', [1, 1]);
  const params = p.input(FLAT_PARAMS, row);
  let grad: number | null = null;
  for (let k = 0; k < shares; k++) {
    const part = p.input(shareGradName(k), row);
    grad = grad === null ? part : p.add(grad, part);
  }
  // The penalties as in the whole step, on each penalised parameter's stretch of the row.
  let penalty: number | null = null;
  const add = (v: number) => (penalty = penalty === null ? v : p.add(penalty, v));
  const stretches: number[] = [];
  let at = 0;
  for (const d of layout) {
    const n = sizeOf(d.shape);
    if (d.regularize) stretches.push(p.slice(params, at, at + n));
    at += n;
  }
  if (config.l2 > 0) for (const w of stretches) add(p.scale(p.sumAll(p.square(w)), config.l2));
  if (config.l1 > 0) for (const w of stretches) add(p.scale(p.sumAll(p.abs(w)), config.l1));
  if (penalty !== null) grad = p.add(grad!, gradients(p, penalty, [params])[0]!);
  const [u] = updateParts(p, [{ name: FLAT_PARAMS, shape: row, value: params }], [grad!], config, lr, t);
  return { program: p, size, next: u!.next, state: u!.state };
}

/** Fresh weights for the parameters of a model, drawn from `rng` in declaration order. */
export function initWeights(params: readonly ParamDecl[], rng: Rng, dtype: DType = 'float32'): WeightSet {
  const w: WeightSet = new Map();
  for (const d of params) {
    const data = allocate(dtype, sizeOf(d.shape));
    initialize(data, d.init, d.fanIn, d.fanOut, rng);
    w.set(d.name, { shape: d.shape, data });
  }
  return w;
}

/**
 * A graph compiled once: its analysis and forward (inference) program, and training programs per
 * training configuration, built on first use. Backends, views and exporters share one per run.
 */
export class CompiledModel {
  readonly analysis: GraphAnalysis;
  private fwd: ForwardModel | null = null;
  private evalParts: { y: number; loss: number } | null = null;
  private readonly trainingPrograms = new Map<string, TrainingProgram>();

  constructor(readonly graph: GraphDoc) {
    this.analysis = analyzeGraph(graph);
    if (!this.analysis.ok)
      throw new GraphInvalidError(this.analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message));
  }

  /** The inference program (dropout off). */
  get forward(): ForwardModel {
    return (this.fwd ??= buildForward(this.graph, { training: false, analysis: this.analysis }));
  }

  /** The data loss on the inference program: targets input `y` and the loss value (appended once). */
  get evaluation(): { y: number; loss: number } {
    if (!this.evalParts) {
      const f = this.forward;
      const y = f.program.input('y', [BATCH, f.targets]);
      const loss = buildLoss(f.program, f.loss, { pred: f.pred, logits: f.logits, y, activation: f.activation });
      this.evalParts = { y, loss };
    }
    return this.evalParts;
  }

  /** The training step program for a configuration (cached by the settings that shape it). */
  training(config: TrainConfig): TrainingProgram {
    const key = JSON.stringify([config.optimizer, config.l1, config.l2, config.clipNorm]);
    let tp = this.trainingPrograms.get(key);
    if (!tp) {
      tp = buildTrainingProgram(this.graph, config, this.analysis);
      this.trainingPrograms.set(key, tp);
    }
    return tp;
  }

  /** Fresh weights from the run seed (the same draw the trainer makes). */
  initialWeights(rng: Rng): WeightSet {
    return initWeights(this.forward.params, rng);
  }
}

/** A compiled model for a graph, or the one given (callers accept either). */
export function compiled(g: GraphDoc | CompiledModel): CompiledModel {
  return g instanceof CompiledModel ? g : new CompiledModel(g);
}

/**
 * A graph and its analysis: the compiled model's own where one is at hand (a run's), else analysed
 * now. Unlike `compiled`, an invalid graph is not refused here: callers word their own refusal.
 */
export function analysed(g: GraphDoc | CompiledModel): { graph: GraphDoc; analysis: GraphAnalysis } {
  return g instanceof CompiledModel
    ? { graph: g.graph, analysis: g.analysis }
    : { graph: g, analysis: analyzeGraph(g) };
}
