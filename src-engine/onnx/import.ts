/**
 * Importing .onnx files into an editable, trainable Netwright graph with weights.
 * - Netwright's own exports carry their layer graph and preprocessing in metadata and their
 *   weights as initializers named after the parameters: a round trip changes nothing.
 * - Multilayer perceptrons from other tools (e.g. torch.onnx.export): chains of Gemm or
 *   MatMul + Add with Relu / Sigmoid / Tanh / LeakyRelu / Elu / Softplus / Softmax between them.
 *   Anything else is refused, naming the op and the node.
 */
import type { ActivationName } from '../graph/catalog.ts';
import { parseGraph, type GraphDoc, type GraphNode } from '../graph/document.ts';
import { sameShape } from '../backprop/ir.ts';
import { buildForward } from '../backprop/model.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { WeightSet } from '../train/backend.ts';
import { META } from './export-model.ts';
import { readOnnx, tensorValues, OnnxFormatError, type OnnxFile } from './read-model.ts';
import { int64, type AttributeProto, type NodeProto, type TensorProto } from './schema.ts';

export interface ImportedModel {
  graph: GraphDoc;
  weights: WeightSet;
  preprocessing: Preprocessing | null;
  /** 'netwright' for our own exports, 'mlp' for other tools' perceptrons. */
  origin: 'netwright' | 'mlp';
  name: string;
  /** Things the user should know (e.g. "the final LogSoftmax was…"). */
  notes: string[];
}

export class OnnxImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxImportError';
  }
}

/** Import an .onnx file's bytes. */
export function importOnnx(bytes: Uint8Array, file = 'model.onnx'): ImportedModel {
  const f = readOnnx(bytes, file);
  if (f.metadata[META.graph]) return importOwn(f, file);
  return importMlp(f, file);
}

function importOwn(f: OnnxFile, file: string): ImportedModel {
  const parsed = parseGraph(f.metadata[META.graph]!);
  if (!parsed.ok)
    throw new OnnxFormatError(
      file,
      `its Netwright graph is damaged: ${parsed.problems.map((p) => p.message).join(' ')}`,
    );
  const graph = parsed.graph;
  const weights: WeightSet = new Map();
  for (const d of buildForward(graph, { training: false }).params) {
    const t = f.initializers.get(d.name);
    if (!t) throw new OnnxFormatError(file, `the weights of '${d.name}' are missing`);
    const { dims, data } = tensorValues(t);
    if (!sameShape(dims, d.shape))
      throw new OnnxFormatError(
        file,
        `'${d.name}' has shape [${dims.join(', ')}], the layer needs [${d.shape.join(', ')}]`,
      );
    weights.set(d.name, { shape: d.shape, data });
  }
  const pre = f.metadata[META.preprocessing] ? (JSON.parse(f.metadata[META.preprocessing]) as Preprocessing) : null;
  return { graph, weights, preprocessing: pre, origin: 'netwright', name: f.model.graph.name || file, notes: [] };
}

const ACTIVATION_OPS: Record<string, ActivationName> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  LeakyRelu: 'leaky_relu',
  Elu: 'elu',
  Softplus: 'softplus',
  Softmax: 'softmax',
};
/** Ops that do nothing to a [N, F] matrix at inference time. */
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Flatten']);

interface Layer {
  W: Float32Array | null;
  inSize: number;
  units: number;
  b: Float32Array | null;
  activation: ActivationName;
  alpha: number;
}

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function importMlp(f: OnnxFile, file: string): ImportedModel {
  const g = f.model.graph;
  const refuse = (node: NodeProto, why: string): never => {
    throw new OnnxImportError(
      `${file}: node '${node.name || '(unnamed)'}' (${node.opType}) ${why}. Netwright imports its own exports and multilayer perceptrons (Gemm or MatMul + Add with Relu, Sigmoid, Tanh, LeakyRelu, Elu, Softplus, Softmax).`,
    );
  };
  if (f.inputs.length !== 1)
    throw new OnnxImportError(
      `${file}: the model has ${f.inputs.length} inputs (${f.inputs.map((i) => i.name).join(', ')}); a perceptron has one.`,
    );
  if (g.output.length !== 1)
    throw new OnnxImportError(`${file}: the model has ${g.output.length} outputs; a perceptron has one.`);
  const consts = new Map<string, TensorProto>(f.initializers);
  for (const n of g.node) {
    if (n.opType === 'Constant') {
      const t = attr(n, 'value')?.t;
      if (!t) refuse(n, 'is a Constant without a tensor value');
      consts.set(n.output[0]!, t!);
    }
  }
  const producers = g.node.filter((n) => n.opType !== 'Constant');
  const tensor = (name: string, node: NodeProto) => {
    const t = consts.get(name);
    if (!t) refuse(node, `takes '${name}' as a weight, but it is computed, not stored`);
    try {
      return tensorValues(t!);
    } catch (e) {
      return refuse(node, (e as Error).message);
    }
  };
  const features = f.inputs[0]!.dims.at(-1);
  let current = f.inputs[0]!.name;
  const layers: Layer[] = [];
  let width = typeof features === 'number' ? features : -1;
  const used = new Set<NodeProto>();
  // Walk the chain from the input: each step finds the one node consuming the current value.
  for (;;) {
    const consumers = producers.filter((n) => n.input.includes(current));
    if (consumers.length === 0) break;
    if (consumers.length > 1) refuse(consumers[1]!, `reads '${current}' too (branching graphs are not perceptrons)`);
    const n = consumers[0]!;
    used.add(n);
    const last = layers.at(-1);
    if (n.opType === 'Gemm') {
      const [, bName, cName] = n.input;
      const alpha = attr(n, 'alpha')?.f ?? 1;
      const beta = attr(n, 'beta')?.f ?? 1;
      if (int64(attr(n, 'transA')?.i) !== 0) refuse(n, 'transposes its input (transA)');
      const Wt = tensor(bName!, n);
      const transB = int64(attr(n, 'transB')?.i) !== 0;
      const [r, c] = Wt.dims as [number, number];
      const inSize = transB ? c : r;
      const units = transB ? r : c;
      const W = new Float32Array(inSize * units);
      for (let i = 0; i < inSize; i++)
        for (let j = 0; j < units; j++) W[i * units + j] = alpha * (transB ? Wt.data[j * c + i]! : Wt.data[i * c + j]!);
      let b: Float32Array | null = null;
      if (cName) {
        const bt = tensor(cName, n);
        if (bt.data.length !== units && bt.data.length !== 1)
          refuse(n, `has a bias of ${bt.data.length} values for ${units} units`);
        b = Float32Array.from({ length: units }, (_, j) => beta * bt.data[bt.data.length === 1 ? 0 : j]!);
      }
      layers.push({ W, inSize, units, b, activation: 'linear', alpha: 0 });
    } else if (n.opType === 'MatMul') {
      if (n.input[0] !== current) refuse(n, 'multiplies the weights from the left');
      const Wt = tensor(n.input[1]!, n);
      if (Wt.dims.length !== 2) refuse(n, `has weights of rank ${Wt.dims.length}`);
      layers.push({ W: Wt.data, inSize: Wt.dims[0]!, units: Wt.dims[1]!, b: null, activation: 'linear', alpha: 0 });
    } else if (n.opType === 'Add' && last && !last.b && last.activation === 'linear' && last.W) {
      const other = n.input[0] === current ? n.input[1]! : n.input[0]!;
      const bt = tensor(other, n);
      if (bt.data.length !== last.units) refuse(n, `adds ${bt.data.length} values to ${last.units} units`);
      last.b = bt.data;
    } else if (ACTIVATION_OPS[n.opType]) {
      const act = ACTIVATION_OPS[n.opType]!;
      if (n.opType === 'Softmax') {
        const axis = attr(n, 'axis') ? int64(attr(n, 'axis')!.i) : -1;
        if (axis !== 1 && axis !== -1) refuse(n, `normalises over axis ${axis}, not the features`);
      }
      const alpha =
        n.opType === 'LeakyRelu' ? (attr(n, 'alpha')?.f ?? 0.01) : n.opType === 'Elu' ? (attr(n, 'alpha')?.f ?? 1) : 0;
      if (!last) refuse(n, 'comes before any dense layer');
      if (last!.activation === 'linear' && last!.W) {
        last!.activation = act;
        last!.alpha = alpha;
      } else {
        layers.push({ W: null, inSize: last!.units, units: last!.units, b: null, activation: act, alpha });
      }
    } else if (PASS_THROUGH.has(n.opType)) {
      if (n.opType === 'Flatten' && int64(attr(n, 'axis')?.i ?? 1) !== 1) refuse(n, 'flattens other than from axis 1');
    } else {
      refuse(n, 'is not supported');
    }
    if ((n.opType === 'Gemm' || n.opType === 'MatMul') && width >= 0 && layers.at(-1)!.inSize !== width) {
      refuse(n, `takes ${layers.at(-1)!.inSize} inputs but receives ${width}`);
    }
    if (layers.length) width = layers.at(-1)!.units;
    current = n.output[0]!;
  }
  const unused = producers.find((n) => !used.has(n));
  if (unused) refuse(unused, 'is not on the path from the input to the output');
  if (current !== g.output[0]!.name)
    throw new OnnxImportError(
      `${file}: the output '${g.output[0]!.name}' is not reached by a chain of supported layers from the input.`,
    );
  const denseCount = layers.filter((l) => l.W).length;
  if (!denseCount) throw new OnnxImportError(`${file}: no dense layer (Gemm or MatMul) found.`);
  const lastLayer = layers.at(-1)!;
  if (!lastLayer.W)
    throw new OnnxImportError(
      `${file}: the model ends with a second activation after its last dense layer; Netwright's Output layer has one.`,
    );
  return buildImported(layers, layers[0]!.inSize, g.name || file, file);
}

function buildImported(layers: Layer[], features: number, name: string, file: string): ImportedModel {
  const nodes: GraphNode[] = [{ id: 'input', type: 'Input', params: { features }, position: { x: 0, y: 0 } }];
  const weights: WeightSet = new Map();
  let dense = 0;
  let act = 0;
  layers.forEach((l, i) => {
    const isOut = i === layers.length - 1;
    const y = (i + 1) * 120;
    if (!l.W) {
      nodes.push({
        id: `act${++act}`,
        type: 'Activation',
        params: { activation: l.activation, alpha: l.alpha || 0.01 },
        position: { x: 0, y },
      });
      return;
    }
    const id = isOut ? 'output' : `dense${++dense}`;
    const loss = l.activation === 'softmax' ? 'cce' : l.activation === 'sigmoid' ? 'bce' : 'mse';
    const params: GraphNode['params'] = {
      units: l.units,
      use_bias: l.b !== null,
      activation: l.activation,
      alpha: l.alpha || 0.01,
    };
    if (isOut) params.loss = loss;
    nodes.push({ id, type: isOut ? 'Output' : 'Dense', params, position: { x: 0, y } });
    weights.set(`${id}.W`, { shape: [l.inSize, l.units], data: l.W });
    if (l.b) weights.set(`${id}.b`, { shape: [1, l.units], data: l.b });
  });
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, target: n.id }));
  const parsed = parseGraph({ format: 'netwright-graph', version: 1, nodes, edges });
  if (!parsed.ok)
    throw new OnnxImportError(
      `${file}: the imported network is not valid: ${parsed.problems.map((p) => p.message).join(' ')}`,
    );
  // Validate shapes and activations the way training will.
  try {
    buildForward(parsed.graph, { training: false });
  } catch (e) {
    throw new OnnxImportError(`${file}: ${(e as Error).message}`);
  }
  return { graph: parsed.graph, weights, preprocessing: null, origin: 'mlp', name, notes: [] };
}
