/**
 * Importing .onnx files into an editable, trainable Netwright graph with weights.
 * - Netwright's own exports carry their layer graph and preprocessing in metadata and their
 *   weights as initializers named after the parameters: a round trip changes nothing.
 * - Chains of layers from other tools (e.g. torch.onnx.export): each ONNX op is read by the layer
 *   that claims it (its `onnxImport` in src-engine/layers), e.g. Gemm or MatMul + Add as Dense, Conv
 *   as Conv2D, MaxPool / AveragePool / GlobalAveragePool / BatchNormalization / Flatten as theirs,
 *   and Relu / Sigmoid / Tanh / LeakyRelu / Elu / Softplus / Softmax as the activation of the dense
 *   or convolution layer before them. Anything else is refused, naming the op and the node. An
 *   input [N, C, H, W] becomes an image Input.
 */
import { projectFromWeightsJson } from './json-export.ts';
import { LAYER_TYPES, type LayerType } from '../graph/catalog.ts';
import { parseGraph, withDefaults, type GraphDoc, type GraphNode } from '../graph/document.ts';
import { layerDef } from '../layers/index.ts';
import type { ImportContext, ImportedLayer, OnnxImporter } from '../layers/layer.ts';
import { sameShape } from '../backprop/ir.ts';
import { buildForward } from '../model/compile.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { META } from './export-model.ts';
import { parseProject, PROJECT_FORMAT, PROJECT_VERSION, type Project } from '../project/project.ts';
import { weightsToJson } from '../project/weights.ts';
import { makeTrainConfig } from '../train/config.ts';
import { readOnnx, tensorValues, OnnxFormatError, type OnnxFile } from './read-model.ts';
import { AttrType, type AttributeProto, type NodeProto, type TensorProto } from './schema.ts';

export interface ImportedModel {
  graph: GraphDoc;
  weights: WeightSet;
  preprocessing: Preprocessing | null;
  /** 'netwright' for our own exports, 'chain' for other tools' layer chains. */
  origin: 'netwright' | 'chain';
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
  return importChain(f, file);
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

/** Ops that change nothing at inference time and belong to no layer. */
const PASS_THROUGH = new Set(['Identity']);

/** Which layer type reads each ONNX op (from the layers' own import patterns). */
const IMPORTERS = new Map<string, OnnxImporter>();
for (const type of LAYER_TYPES) {
  const imp = layerDef(type).onnxImport;
  for (const op of imp?.ops ?? []) IMPORTERS.set(op, imp!);
}

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** A chain of layers from other tools (e.g. torch.onnx.export), read node by node from the input. */
function importChain(f: OnnxFile, file: string): ImportedModel {
  const g = f.model.graph;
  const supported = [...IMPORTERS.keys()].sort().join(', ');
  const refuse = (node: NodeProto, why: string): never => {
    throw new OnnxImportError(
      `${file}: node '${node.name || '(unnamed)'}' (${node.opType}) ${why}. Netwright imports its own exports and chains of ${supported}.`,
    );
  };
  if (f.inputs.length !== 1)
    throw new OnnxImportError(
      `${file}: the model has ${f.inputs.length} inputs (${f.inputs.map((i) => i.name).join(', ')}); Netwright's networks have one.`,
    );
  if (g.output.length !== 1)
    throw new OnnxImportError(`${file}: the model has ${g.output.length} outputs; Netwright's networks have one.`);
  const consts = new Map<string, TensorProto>(f.initializers);
  for (const n of g.node) {
    if (n.opType === 'Constant') {
      const t = attr(n, 'value')?.t;
      if (!t) refuse(n, 'is a Constant without a tensor value');
      consts.set(n.output[0]!, t!);
    }
  }
  const producers = g.node.filter((n) => n.opType !== 'Constant');
  const dims = f.inputs[0]!.dims.slice(1);
  let shape: number[] | null = dims.every((d) => typeof d === 'number') ? (dims as number[]) : null;
  let current = f.inputs[0]!.name;
  const layers: ImportedLayer[] = [];
  const used = new Set<NodeProto>();
  // Zero padding of an image read from a Pad node, waiting for the Conv or AveragePool it belongs to.
  let pendingPads: number[] | null = null;
  // Walk the chain from the input: each step finds the one node consuming the current value.
  for (;;) {
    const consumers = producers.filter((n) => n.input.includes(current));
    if (consumers.length === 0) break;
    if (consumers.length > 1) refuse(consumers[1]!, `reads '${current}' too (branching graphs are not imported yet)`);
    let n = consumers[0]!;
    used.add(n);
    if (PASS_THROUGH.has(n.opType)) {
      current = n.output[0]!;
      continue;
    }
    if (n.opType === 'Pad') {
      pendingPads = zeroPadding(n, consts, (why) => refuse(n, why));
      current = n.output[0]!;
      continue;
    }
    if (pendingPads) {
      // torch.onnx.export writes AvgPool2d's padding as a Pad before the AveragePool: the same as
      // padding that counts in the average. Zero padding before a Conv is the Conv's own padding.
      if (n.opType !== 'AveragePool' && n.opType !== 'Conv') refuse(n, 'follows zero padding it cannot take in');
      const own = (attr(n, 'pads')?.ints ?? [0, 0, 0, 0]).map(Number);
      const pads = own.map((v, i) => v + pendingPads![i]!);
      const extra = { name: 'pads', type: AttrType.INTS, ints: pads };
      const rest = (n.attribute ?? []).filter((a) => a.name !== 'pads' && a.name !== 'count_include_pad');
      const include = n.opType === 'AveragePool' ? [{ name: 'count_include_pad', type: AttrType.INT, i: 1 }] : [];
      n = { ...n, attribute: [...rest, extra, ...include] };
      pendingPads = null;
    }
    const importer = IMPORTERS.get(n.opType);
    if (!importer) refuse(n, 'is not supported');
    if (n.opType !== 'Add' && n.input[0] !== current) refuse(n, `reads '${current}' as a weight, not as its data`);
    const ctx: ImportContext = {
      last: layers.at(-1),
      inShape: shape ?? [],
      isConstant: (name) => consts.has(name),
      tensor: (name) => {
        const t = consts.get(name);
        if (!t) return refuse(n, `takes '${name}' as a weight, but it is computed, not stored`);
        try {
          return tensorValues(t);
        } catch (e) {
          return refuse(n, (e as Error).message);
        }
      },
      attr: (name) => attr(n, name),
      refuse: (why) => refuse(n, why),
    };
    const layer = importer!.read(n, ctx);
    if (layer) layers.push(layer);
    if (layer && shape) {
      // The new layer's output shape, checked against what it receives.
      const type = layer.type as LayerType;
      const node = { id: 'import', type, params: withDefaults(type, layer.params), position: { x: 0, y: 0 } };
      const res = layerDef(type).outputShape(node, [shape], ['the previous layer']);
      if ('problem' in res) refuse(n, res.problem);
      shape = [...(res as { shape: number[] }).shape];
    }
    current = n.output[0]!;
  }
  if (pendingPads) throw new OnnxImportError(`${file}: the model ends with padding that no layer takes in.`);
  const unused = producers.find((n) => !used.has(n));
  if (unused) refuse(unused, 'is not on the path from the input to the output');
  if (current !== g.output[0]!.name)
    throw new OnnxImportError(
      `${file}: the output '${g.output[0]!.name}' is not reached by a chain of supported layers from the input.`,
    );
  const lastLayer = layers.at(-1);
  if (!lastLayer || lastLayer.type !== 'Dense')
    throw new OnnxImportError(
      `${file}: the model must end with a dense layer (Gemm or MatMul) and its activation; Netwright's Output layer is one.`,
    );
  const features = layers.length && layers[0]!.weights.W ? layers[0]!.weights.W.shape[0]! : (shape?.[0] ?? 0);
  const inputShape = dims.every((d) => typeof d === 'number') ? (dims as number[]) : [features];
  return buildImported(layers, inputShape, g.name || file, file);
}

/** The spatial padding [top, left, bottom, right] of a Pad node that adds zeros around images only. */
function zeroPadding(n: NodeProto, consts: Map<string, TensorProto>, refuse: (why: string) => never): number[] {
  const mode = new TextDecoder().decode(attr(n, 'mode')?.s ?? new TextEncoder().encode('constant'));
  if (mode !== 'constant') refuse(`pads in '${mode}' mode; only zero padding is imported`);
  const read = (name: string | undefined) => {
    const t = name ? consts.get(name) : undefined;
    if (!t) return refuse('takes its padding from a computed value');
    return Array.from(tensorValues(t).data);
  };
  const pads = n.input[1] ? read(n.input[1]) : (attr(n, 'pads')?.ints ?? []).map(Number);
  const value = n.input[2] ? read(n.input[2])[0]! : Number(attr(n, 'value')?.f ?? 0);
  if (value !== 0) refuse(`pads with ${value}, not zeros`);
  if (pads.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5])
    refuse(`pads [${pads.join(', ')}]; only the rows and columns of images can be padded`);
  return [pads[2]!, pads[3]!, pads[6]!, pads[7]!];
}

function buildImported(layers: ImportedLayer[], inputShape: number[], name: string, file: string): ImportedModel {
  const [c, h, w] = inputShape;
  const nodes: GraphNode[] = [
    {
      id: 'input',
      type: 'Input',
      params:
        inputShape.length === 3
          ? { shape: 'image', channels: c!, height: h!, width: w! }
          : { features: inputShape.reduce((a, b) => a * b, 1) },
      position: { x: 0, y: 0 },
    },
  ];
  const weights: WeightSet = new Map();
  const counts = new Map<string, number>();
  layers.forEach((l, i) => {
    const isOut = i === layers.length - 1;
    const type = (isOut ? 'Output' : l.type) as LayerType;
    const k = (counts.get(type) ?? 0) + 1;
    counts.set(type, k);
    const id = isOut ? 'output' : `${type.toLowerCase()}${k}`;
    const params: GraphNode['params'] = { ...l.params };
    if (isOut) {
      const act = String(params.activation);
      params.loss = act === 'softmax' ? 'cce' : act === 'sigmoid' ? 'bce' : 'mse';
    }
    nodes.push({ id, type, params, position: { x: 0, y: (i + 1) * 120 } });
    for (const [suffix, w] of Object.entries(l.weights)) weights.set(`${id}.${suffix}`, w);
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
  return { graph: parsed.graph, weights, preprocessing: null, origin: 'chain', name, notes: [] };
}

/** A new project from an .onnx file's bytes: the imported graph and weights, default training settings. */
export function projectFromOnnx(bytes: Uint8Array, fileName = 'model.onnx'): { project: Project; notes: string[] } {
  const m = importOnnx(bytes, fileName);
  const project: Project = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: m.name.replace(/\.onnx$/i, '') || 'Imported model',
    graph: m.graph,
    dataset: { kind: 'none' },
    training: makeTrainConfig({}),
    weights: weightsToJson(m.weights),
    ...(m.preprocessing ? { preprocessing: m.preprocessing } : {}),
    runs: [],
  };
  return { project: parseProject(project, fileName), notes: m.notes };
}

/** A model file as a project: a Netwright weights document or training checkpoint (JSON), or ONNX. */
export function projectFromModelFile(bytes: Uint8Array, fileName = 'model'): { project: Project; notes: string[] } {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b) return projectFromWeightsJson(new TextDecoder().decode(bytes), fileName);
  return projectFromOnnx(bytes, fileName);
}
