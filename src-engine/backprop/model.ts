/**
 * From a layer graph to primitive programs: the forward pass (for predictions and views), and the
 * whole training step (forward, loss, regularization, gradients, clipping, optimizer update).
 */
import type { ActivationName, LossName } from '../graph/catalog.ts';
import type { GraphDoc, GraphNode } from '../graph/document.ts';
import { analyzeGraph, incoming } from '../graph/validate.ts';
import { LAYER_BUILDERS, type LayerContext, type MaskDecl, type ParamDecl } from '../layers/index.ts';
import { buildLoss } from '../losses/index.ts';
import { makeOptimizer } from '../optim/index.ts';
import type { TrainConfig } from '../train/config.ts';
import { gradients } from './rules.ts';
import { BATCH, Program, type Shape } from './ir.ts';

export class GraphInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`The network is not valid: ${problems.join(' ')}`);
    this.name = 'GraphInvalidError';
  }
}

export interface ForwardModel {
  program: Program;
  /** Input features [N, F]. */
  x: number;
  /** Output before its activation [N, T]. */
  logits: number;
  /** Output after its activation [N, T]. */
  pred: number;
  params: ParamDecl[];
  masks: MaskDecl[];
  /** Output value of every graph node, by node id. */
  values: Map<string, number>;
  /** Pre-activation values of nodes that have one. */
  preValues: Map<string, number>;
  inputNode: GraphNode;
  outputNode: GraphNode;
  features: number;
  targets: number;
  loss: LossName;
  activation: ActivationName;
}

/** Append the forward pass of a valid graph to a new program. */
export function buildForward(graph: GraphDoc, opts: { training: boolean; program?: Program }): ForwardModel {
  const analysis = analyzeGraph(graph);
  if (!analysis.ok)
    throw new GraphInvalidError(analysis.problems.filter((p) => p.severity === 'error').map((p) => p.message));
  const p = opts.program ?? new Program();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = incoming(graph);
  const ctx: LayerContext = { p, training: opts.training, params: [], masks: [] };
  const values = new Map<string, number>();
  const preValues = new Map<string, number>();
  let x = -1;
  let inputNode: GraphNode | undefined;
  let outputNode: GraphNode | undefined;
  for (const id of analysis.order) {
    const node = byId.get(id)!;
    if (node.type === 'Input') {
      x = p.input('x', [BATCH, Number(node.params.features)]);
      values.set(id, x);
      inputNode = node;
      continue;
    }
    const srcs = ins.get(id)!;
    const res = LAYER_BUILDERS[node.type].build(
      ctx,
      node,
      srcs.map((s) => values.get(s)!),
      srcs.map((s) => analysis.info[s]!.outputSize!),
    );
    values.set(id, res.out);
    if (res.pre !== undefined) preValues.set(id, res.pre);
    if (node.type === 'Output') outputNode = node;
  }
  if (!inputNode || !outputNode) throw new GraphInvalidError(['The network needs an Input and an Output layer.']);
  return {
    program: p,
    x,
    logits: preValues.get(outputNode.id)!,
    pred: values.get(outputNode.id)!,
    params: ctx.params,
    masks: ctx.masks,
    values,
    preValues,
    inputNode,
    outputNode,
    features: Number(inputNode.params.features),
    targets: Number(outputNode.params.units),
    loss: outputNode.params.loss as LossName,
    activation: outputNode.params.activation as ActivationName,
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
  slots: ParamSlot[];
}

/** The whole training step as one program. */
export function buildTrainingProgram(graph: GraphDoc, config: TrainConfig): TrainingProgram {
  const fwd = buildForward(graph, { training: true });
  const p = fwd.program;
  const y = p.input('y', [BATCH, fwd.targets]);
  const lr = p.input('lr', [1, 1]);
  const t = p.input('t', [1, 1]);
  const dataLoss = buildLoss(p, fwd.loss, { pred: fwd.pred, logits: fwd.logits, y, activation: fwd.activation });
  let total = dataLoss;
  const weights = fwd.params.filter((d) => d.kind === 'W');
  if (config.l2 > 0) for (const w of weights) total = p.add(total, p.scale(p.sumAll(p.square(w.input)), config.l2));
  if (config.l1 > 0) for (const w of weights) total = p.add(total, p.scale(p.sumAll(p.abs(w.input)), config.l1));
  let grads = gradients(
    p,
    total,
    fwd.params.map((d) => d.input),
  );
  if (config.clipNorm > 0) {
    // Global-norm clipping: g * c / max(|g|, c)
    let sq = p.const(0);
    for (const g of grads) sq = p.add(sq, p.sumAll(p.square(g)));
    const c = p.const(config.clipNorm);
    const factor = p.div(c, p.maximum(p.sqrt(sq), c));
    grads = grads.map((g) => p.mul(g, factor));
  }
  const opt = makeOptimizer(config.optimizer);
  const slots: ParamSlot[] = fwd.params.map((decl, i) => {
    const stateInputs = opt.stateNames.map((s) => ({
      name: `${decl.name}.${s}`,
      input: p.input(`${decl.name}.${s}`, decl.shape),
      shape: decl.shape,
    }));
    const [next, ...nextState] = opt.update({
      p,
      param: decl.input,
      grad: grads[i]!,
      state: stateInputs.map((s) => s.input),
      lr,
      t,
    });
    return { decl, grad: grads[i]!, next: next!, state: stateInputs.map((s, k) => ({ ...s, next: nextState[k]! })) };
  });
  return { ...fwd, y, lr, t, dataLoss, loss_: total, slots };
}
