/**
 * The one walk over a graph's layers that both PyTorch exports share (./pytorch.ts, the model file;
 * ./pytorch-train.ts, the training script): in the graph's order, each layer's module, weight loading
 * and forward expression, as its LayerDef's `torch` field writes them (src-engine/layers). The exports
 * differ only in how weights are written (literals, or the script's starting-weights table) and in
 * what the forward returns.
 */
import type { GraphNode } from '../graph/document.ts';
import { incoming, type GraphAnalysis } from '../graph/validate.ts';
import { analysed, type CompiledModel } from '../model/compile.ts';
import type { GraphDoc } from '../graph/document.ts';
import { activationTorch, type ActivationName } from '../layers/activations.ts';
import { layerDef } from '../layers/index.ts';
import type { LayerDef, ParamShape, SampleShape, TorchContext } from '../layers/layer.ts';

/** How an export writes a parameter `<nodeId>.<suffix>`: whether it exists, and as a Python expression. */
export interface TorchWeights {
  has(name: string): boolean;
  literal(name: string, order?: readonly number[]): string;
}

/** One layer as the walk met it. */
export interface TorchLayerStep {
  node: GraphNode;
  def: LayerDef;
  /** Python attribute / variable name of the layer (`n_<id>`). */
  v: string;
  /** Per-sample shapes of its inputs. */
  shapes: SampleShape[];
  /** Its parameters (trainable and not) for these inputs. */
  declared: ParamShape[];
}

export interface TorchModelCode {
  analysis: GraphAnalysis;
  /** `self.n_x = nn.…(…)` lines of `__init__`. */
  init: string[];
  /** Statements copying weights into `model` (inside `torch.no_grad()`). */
  load: string[];
  /** The body of `forward(self, x, masks=None)`, its return included. */
  forward: string[];
  layers: TorchLayerStep[];
  /** Python functions the forward calls (each layer type's once). */
  helpers: string[];
  /** The Output layer's loss. */
  loss: string;
}

/** The Python name of a layer. */
export const pyName = (id: string): string => `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * Walk a valid graph. `returns` says what forward returns: the Output layer's activation, or
 * `(logits, output)` (the Output layer before and after its activation, for a loss that reads both).
 */
export function torchModel(
  source: GraphDoc | CompiledModel,
  weights: TorchWeights,
  returns: 'output' | 'logits',
): TorchModelCode {
  const { graph, analysis } = analysed(source);
  if (!analysis.ok) throw new Error(`The network is not valid: ${analysis.problems.map((p) => p.message).join(' ')}`);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ins = incoming(graph);
  const code: TorchModelCode = { analysis, init: [], load: [], forward: [], layers: [], helpers: [], loss: '' };
  let ret = 'return None';
  for (const id of analysis.order) {
    const node = byId.get(id)!;
    const def = layerDef(node.type);
    const srcIds = ins.get(id) ?? [];
    const shapes = srcIds.map((s) => analysis.info[s]!.shape!);
    const srcs = srcIds.map(pyName);
    const v = pyName(id);
    const ctx: TorchContext = {
      self: v,
      has: (suffix) => weights.has(`${id}.${suffix}`),
      literal: (suffix, order) => weights.literal(`${id}.${suffix}`, order),
    };
    code.layers.push({ node, def, v, shapes, declared: def.params?.(node, shapes) ?? [] });
    if (def.torch.helpers && !code.helpers.includes(def.torch.helpers)) code.helpers.push(def.torch.helpers);
    if (def.torch.module) code.init.push(`self.${v} = ${def.torch.module(node, shapes)}`);
    if (def.torch.load) code.load.push(...def.torch.load(node, { ...ctx, self: `model.${v}` }));
    if (node.type !== 'Output') {
      code.forward.push(`${v} = ${def.torch.forward(node, srcs, ctx, shapes)}`);
      continue;
    }
    code.loss = String(node.params.loss);
    if (returns === 'output') {
      code.forward.push(`${v} = ${def.torch.forward(node, srcs, ctx, shapes)}`);
      ret = `return ${v}`;
      continue;
    }
    // The loss reads the logits as well as the activation's output.
    const linear = { ...node, params: { ...node.params, activation: 'linear' } };
    code.forward.push(
      `logits = ${def.torch.forward(linear, srcs, ctx, shapes)}`,
      `${v} = ${activationTorch(node.params.activation as ActivationName, 'logits', Number(node.params.alpha))}`,
    );
    ret = `return logits, ${v}`;
  }
  code.forward.push(ret);
  return code;
}
