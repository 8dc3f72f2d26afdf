/**
 * Validation and shape inference over the layer DAG: cycles, unconnected nodes, missing input or
 * output, shape mismatches at merges, loss/activation mismatches, and parameter counts. Every
 * problem names its nodes and says what is wrong in a plain sentence.
 */
import { layerDef, type SampleShape } from '../layers/index.ts';
import { isTrainable } from '../layers/params.ts';
import { sizeOf } from '../tensor/tensor.ts';
import { layerSpec, LOSS_LABELS, type ActivationName, type LossName } from './catalog.ts';
import { checkNodeParams, describeNode, type GraphDoc, type GraphNode, type GraphProblem } from './document.ts';

export interface NodeInfo {
  /** Output shape per sample ([features] or [channels, height, width]), or null when it cannot be inferred. */
  shape: SampleShape | null;
  /** Values per sample (the shape's product), or null when unknown. */
  outputSize: number | null;
  /** Trainable parameters of this node. */
  params: number;
}

export interface GraphAnalysis {
  problems: GraphProblem[];
  /** Node ids in topological order (empty when the graph has a cycle). */
  order: string[];
  info: Record<string, NodeInfo>;
  totalParams: number;
  /** True when there are no errors (warnings allowed): the graph can be trained. */
  ok: boolean;
}

/** Incoming source ids of each node, in edge order. */
export function incoming(graph: GraphDoc): Map<string, string[]> {
  const m = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) m.get(e.target)?.push(e.source);
  return m;
}

/** Kahn's algorithm; returns the order, or the ids left on a cycle. */
export function topologicalOrder(graph: GraphDoc): { order: string[]; cyclic: string[] } {
  const indeg = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) {
    indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
    out.get(e.source)?.push(e.target);
  }
  const queue = graph.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const t of out.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  const cyclic = graph.nodes.filter((n) => (indeg.get(n.id) ?? 0) > 0).map((n) => n.id);
  return { order, cyclic };
}

/** Trainable parameters of a node given its inputs' shapes (none while a shape is unknown). */
export function nodeParamCount(node: GraphNode, inShapes: (SampleShape | null)[]): number {
  const def = layerDef(node.type);
  if (!def.params || inShapes.some((s) => s === null)) return 0;
  return def
    .params(node, inShapes as SampleShape[])
    .filter(isTrainable)
    .reduce((a, p) => a + sizeOf(p.shape), 0);
}

/** Validate a parsed graph and infer every node's output size and parameter count. */
export function analyzeGraph(graph: GraphDoc): GraphAnalysis {
  const problems: GraphProblem[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = incoming(graph);
  const info: Record<string, NodeInfo> = {};

  for (const n of graph.nodes) problems.push(...checkNodeParams(n));

  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (inputs.length === 0)
    problems.push({
      severity: 'error',
      nodeIds: [],
      message: 'The network has no Input layer: add one from the palette.',
    });
  if (inputs.length > 1)
    problems.push({
      severity: 'error',
      nodeIds: inputs.map((n) => n.id),
      message: `The network has ${inputs.length} Input layers; Netwright trains networks with exactly one.`,
    });
  if (outputs.length === 0)
    problems.push({
      severity: 'error',
      nodeIds: [],
      message: 'The network has no Output layer: add one from the palette and choose its loss.',
    });
  if (outputs.length > 1)
    problems.push({
      severity: 'error',
      nodeIds: outputs.map((n) => n.id),
      message: `The network has ${outputs.length} Output layers; Netwright trains networks with exactly one.`,
    });

  const seenPairs = new Set<string>();
  for (const e of graph.edges) {
    const key = `${e.source}->${e.target}`;
    if (e.source === e.target)
      problems.push({
        severity: 'error',
        nodeIds: [e.source],
        message: `${describeNode(byId.get(e.source)!)} is connected to itself.`,
      });
    if (seenPairs.has(key))
      problems.push({
        severity: 'error',
        nodeIds: [e.source, e.target],
        message: `${describeNode(byId.get(e.source)!)} is connected to ${describeNode(byId.get(e.target)!)} twice.`,
      });
    seenPairs.add(key);
    const src = byId.get(e.source)!;
    if (!layerSpec(src.type).hasOutput)
      problems.push({
        severity: 'error',
        nodeIds: [src.id],
        message: `${describeNode(src)} is the network's output; nothing can take its values as input.`,
      });
  }

  const outDeg = new Map<string, number>();
  for (const e of graph.edges) outDeg.set(e.source, (outDeg.get(e.source) ?? 0) + 1);
  for (const n of graph.nodes) {
    const spec = layerSpec(n.type);
    const k = ins.get(n.id)!.length;
    if (k < spec.inputs.min) {
      problems.push({
        severity: 'error',
        nodeIds: [n.id],
        message:
          spec.inputs.min === 1
            ? `${describeNode(n)} has no input: connect a layer to it.`
            : `${describeNode(n)} needs at least ${spec.inputs.min} inputs (it has ${k}).`,
      });
    }
    if (k > spec.inputs.max) {
      problems.push({
        severity: 'error',
        nodeIds: [n.id],
        message:
          spec.inputs.max === 0
            ? `${describeNode(n)} takes no inputs (it has ${k}).`
            : `${describeNode(n)} takes ${spec.inputs.max === 1 ? 'one input' : `at most ${spec.inputs.max} inputs`} (it has ${k}).`,
      });
    }
    if (spec.hasOutput && !outDeg.get(n.id)) {
      problems.push({
        severity: 'error',
        nodeIds: [n.id],
        message: `${describeNode(n)} is not connected to anything downstream: its output is unused.`,
      });
    }
  }

  const { order, cyclic } = topologicalOrder(graph);
  if (cyclic.length) {
    problems.push({
      severity: 'error',
      nodeIds: cyclic,
      message: `The network has a cycle through ${cyclic.map((id) => describeNode(byId.get(id)!)).join(', ')}; connections must flow one way from Input to Output.`,
    });
  }

  let totalParams = 0;
  for (const id of cyclic.length ? graph.nodes.map((n) => n.id) : order) {
    const n = byId.get(id)!;
    const srcs = ins.get(id)!;
    const srcShapes = srcs.map((s) => (cyclic.length ? null : (info[s]?.shape ?? null)));
    const spec = layerSpec(n.type);
    let shape: SampleShape | null = null;
    // Best effort while editing: a layer with some of its inputs still gets a shape (the missing ones are reported apart).
    const enough = srcs.length >= Math.min(1, spec.inputs.min);
    if (enough && srcShapes.every((s) => s !== null) && !problems.some((p) => p.nodeIds.includes(id) && p.field)) {
      const res = layerDef(n.type).outputShape(
        n,
        srcShapes as SampleShape[],
        srcs.map((s) => describeNode(byId.get(s)!)),
      );
      if ('problem' in res) problems.push({ severity: 'error', nodeIds: [id, ...srcs], message: res.problem });
      else if (res.shape.every((d) => Number.isInteger(d) && d > 0)) shape = res.shape;
    }
    const params = shape ? nodeParamCount(n, srcShapes) : 0;
    totalParams += params;
    info[id] = { shape, outputSize: shape ? sizeOf(shape) : null, params };
  }

  for (const o of outputs) problems.push(...checkLoss(o));
  // The perceptron rule (train/perceptron.ts) updates one layer of one unit, and nothing before it.
  for (const o of outputs.filter((x) => x.params.loss === 'perceptron')) {
    const before = graph.nodes.filter((n) => n.id !== o.id && (info[n.id]?.params ?? 0) > 0);
    if (before.length)
      problems.push({
        severity: 'error',
        nodeIds: [o.id, ...before.map((n) => n.id)],
        message: `The perceptron rule trains a single layer, but ${before.map(describeNode).join(', ')} also ${before.length === 1 ? 'has' : 'have'} weights: connect the Input straight to the Output, or use another loss (binary cross-entropy with sigmoid) to train hidden layers.`,
      });
  }

  const ok = !problems.some((p) => p.severity === 'error');
  return { problems, order: cyclic.length ? [] : order, info, totalParams, ok };
}

/** Loss/activation pairs that train badly or not at all. */
export function checkLoss(out: GraphNode): GraphProblem[] {
  const loss = out.params.loss as LossName;
  const act = out.params.activation as ActivationName;
  const units = Number(out.params.units);
  const p: GraphProblem[] = [];
  const err = (message: string, severity: 'error' | 'warning' = 'error') =>
    p.push({ severity, nodeIds: [out.id], field: 'activation', message: `${describeNode(out)}: ${message}` });
  const name = LOSS_LABELS[loss] ?? loss;
  if (loss === 'cce' && act !== 'softmax')
    err(`${name} needs a softmax activation (it is '${act}'). Set the activation to softmax.`);
  if (loss === 'cce' && units < 2)
    err(
      `${name} needs at least 2 units, one per class (it has ${units}). Use binary cross-entropy with 1 sigmoid unit for two classes.`,
    );
  if (loss === 'bce' && act !== 'sigmoid')
    err(
      `${name} needs a sigmoid activation (it is '${act}'). Set the activation to sigmoid, or use categorical cross-entropy with softmax.`,
    );
  if (loss === 'perceptron' && act !== 'step') err(`the perceptron rule needs the step activation (it is '${act}').`);
  if (act === 'step' && loss !== 'perceptron')
    err(`the step function has no useful gradient, so ${name} cannot train it; use the perceptron rule, or sigmoid.`);
  if (loss === 'hinge' && !['linear', 'tanh'].includes(act))
    err(`hinge loss expects a linear or tanh output (it is '${act}').`, 'warning');
  if (act === 'softmax' && units === 1) err('softmax over a single unit is always 1; use sigmoid for one unit.');
  if (act === 'softmax' && (loss === 'mse' || loss === 'mae' || loss === 'sum_squares'))
    err(`softmax with ${name} trains slowly; categorical cross-entropy is the usual choice.`, 'warning');
  return p;
}

/**
 * Whether an edge source → target may be added (used by the editor while the user drags).
 * Returns null when allowed, else the reason.
 */
export function connectionProblem(graph: GraphDoc, source: string, target: string): string | null {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const s = byId.get(source);
  const t = byId.get(target);
  if (!s || !t) return 'Both ends must be layers on the canvas.';
  if (source === target) return 'A layer cannot feed itself.';
  if (!layerSpec(s.type).hasOutput) return `${describeNode(s)} is the network's output; nothing can follow it.`;
  const spec = layerSpec(t.type);
  if (spec.inputs.max === 0) return `${describeNode(t)} takes no inputs.`;
  const existing = graph.edges.filter((e) => e.target === target);
  if (existing.some((e) => e.source === source)) return 'These layers are already connected.';
  if (existing.length >= spec.inputs.max)
    return `${describeNode(t)} already has ${spec.inputs.max === 1 ? 'its input' : `${spec.inputs.max} inputs`}; remove that connection first.`;
  // A path target ⇝ source would close a cycle.
  const out = new Map<string, string[]>();
  for (const e of graph.edges) (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return `Connecting ${describeNode(s)} to ${describeNode(t)} would make a cycle.`;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  // The shapes must fit: the target's own check, run with the new edge.
  const withEdge: GraphDoc = { ...graph, edges: [...graph.edges, { id: '__candidate', source, target }] };
  const problem = analyzeGraph(withEdge).problems.find(
    (p) => p.severity === 'error' && p.nodeIds[0] === target && !p.field && p.nodeIds.includes(source),
  );
  if (problem) return `Shape mismatch: ${problem.message}`;
  return null;
}
