/**
 * What a layer type is: one `LayerDef` per file in this folder holds everything Netwright knows
 * about it — the catalog entry (palette, inspector, schema), its output shape and parameters for
 * given inputs (validation, badges, counts), the program it appends (training, views, ONNX), its
 * PyTorch module, and the ONNX ops it imports from. Everything else reads these records.
 */
import type { InitializerName } from './init.ts';
import type { Program, Shape } from '../backprop/ir.ts';
import type { GraphNode, ParamValue } from '../graph/document.ts';
import type { AttributeProto, NodeProto } from '../onnx/schema.ts';

/** A field that matters only for some values of another field (the inspector hides it otherwise). */
export interface VisibleWhen {
  param: string;
  is: readonly string[];
}

interface ParamBase {
  name: string;
  label: string;
  description: string;
  visibleWhen?: VisibleWhen;
}

export type ParamSpec = ParamBase &
  (
    | { type: 'int'; default: number; min: number; max: number }
    | { type: 'float'; default: number; min: number; max: number }
    | { type: 'bool'; default: boolean }
    | { type: 'enum'; default: string; options: readonly string[] }
  );

export type LayerCategory = 'inputs' | 'core' | 'image' | 'normalization' | 'activations' | 'merge' | 'outputs';

/** The palette's groups, in order. */
export const LAYER_CATEGORIES: readonly { category: LayerCategory; title: string }[] = [
  { category: 'inputs', title: 'Inputs' },
  { category: 'core', title: 'Core layers' },
  { category: 'image', title: 'Convolution and pooling' },
  { category: 'normalization', title: 'Normalisation' },
  { category: 'activations', title: 'Activations' },
  { category: 'merge', title: 'Merge' },
  { category: 'outputs', title: 'Outputs' },
];

/** The catalog entry of a layer type, as the palette and inspector show it. */
export interface LayerSpec {
  name: string;
  category: LayerCategory;
  description: string;
  params: readonly ParamSpec[];
  /** How many incoming edges the layer takes. */
  inputs: { min: number; max: number };
  /** Whether other layers may consume its output (Output is a sink). */
  hasOutput: boolean;
}

/** A per-sample shape (the batch dimension left out): [features] or [channels, height, width]. */
export type SampleShape = readonly number[];

/** A trainable tensor of a layer, before it is built: name suffix, shape and how to initialise it. */
export interface ParamShape {
  /** 'W', 'b', … : the parameter is `<nodeId>.<suffix>`. */
  suffix: string;
  shape: Shape;
  init: InitializerName;
  fanIn: number;
  fanOut: number;
  /** Whether L1/L2 penalties apply (weights yes, biases no). */
  regularize: boolean;
  /**
   * false for state that training updates without gradients (batch norm's running statistics): it
   * is saved with the weights and fed like them, but has no optimizer state and is not counted.
   */
  trainable?: boolean;
}

/** A trainable parameter declared in a program. */
export interface ParamDecl extends ParamShape {
  /** `<nodeId>.<suffix>` */
  name: string;
  nodeId: string;
  /** The suffix again, for code that asks for weights ('W') or biases ('b'). */
  kind: string;
  /** The program input holding it. */
  input: number;
}

/** A dropout mask input, filled by the host with (u >= rate) / (1 - rate) for each training step. */
export interface MaskDecl {
  name: string;
  nodeId: string;
  rate: number;
  /** Per-sample shape of the mask. */
  shape: Shape;
  input: number;
}

export interface LayerContext {
  p: Program;
  training: boolean;
  masks: MaskDecl[];
  /** New values of non-trainable parameters after a training step, by parameter name. */
  updates: { name: string; next: number }[];
}

export interface LayerResult {
  /** The layer's output value. */
  out: number;
  /** For layers with an activation: the value before it (the logits of an Output layer). */
  pre?: number;
}

/** What PyTorch export gives a layer: its Python variable name and literals for its weights. */
export interface TorchContext {
  /** Attribute name of this layer's module (e.g. `n_dense1`). */
  self: string;
  /** The parameter's values as a Python list literal (row-major, in the given order of dims). */
  literal(suffix: string, order?: readonly number[]): string;
  /** Whether the parameter exists. */
  has(suffix: string): boolean;
}

export interface TorchLayer {
  /** `nn.Module` constructor call, when the layer has a module. */
  module?(node: GraphNode, inputs: SampleShape[]): string;
  /** Statements copying trained values into the module (`self` is the model). */
  load?(node: GraphNode, t: TorchContext): string[];
  /**
   * The forward expression over the inputs' Python names (and their per-sample shapes). The model's
   * forward also has `masks`: None, or Netwright's dropout masks by name (a training script that
   * reproduces Netwright's run).
   */
  forward(node: GraphNode, srcs: string[], t: TorchContext, inputs: SampleShape[]): string;
  /**
   * Each parameter (by suffix) as a PyTorch expression in Netwright's layout (`self` is the module's
   * Python path, e.g. `model.n_dense1`) for the given input shapes: what training scripts penalise
   * (L1/L2) and save as weights (non-trainable state, such as running statistics, included).
   */
  params?(node: GraphNode, self: string, inputs: SampleShape[]): Record<string, string>;
  /** Python definitions (top-level functions) the forward expression calls, written once per file. */
  helpers?: string;
}

/** An ONNX node read as (part of) a Netwright layer. */
export interface ImportedLayer {
  type: string;
  params: Record<string, ParamValue>;
  /** Weights by suffix. */
  weights: Record<string, { shape: number[]; data: Float32Array }>;
}

export interface ImportContext {
  /** The layer the chain built last (undefined at the start). */
  last: ImportedLayer | undefined;
  /** Per-sample shape of the value this node reads. */
  inShape: SampleShape;
  /** The stored tensor behind a node input (refuses when it is computed). */
  tensor(name: string): { dims: number[]; data: Float32Array };
  /** Whether the node input is a stored tensor. */
  isConstant(name: string): boolean;
  attr(name: string): AttributeProto | undefined;
  /** Refuse the model, naming this node and saying why. */
  refuse(why: string): never;
}

export interface OnnxImporter {
  /** ONNX op types this layer reads. */
  ops: readonly string[];
  /**
   * Read one node: a new layer, or null when it folds into `ctx.last` (changing it in place) or does
   * nothing at inference time.
   */
  read(n: NodeProto, ctx: ImportContext): ImportedLayer | null;
}

/** The shape a layer gives, or a sentence saying why its inputs do not fit. */
export type ShapeResult = { shape: SampleShape } | { problem: string };

export interface LayerDef {
  spec: LayerSpec;
  /** A short line of the layer's key settings for its node on the canvas (default: its name). */
  summary?(params: Record<string, ParamValue>): string;
  /** Per-sample output shape from the inputs' shapes (each known); `sources` describe the input layers. */
  outputShape(node: GraphNode, inputs: SampleShape[], sources: string[]): ShapeResult;
  /** Trainable parameters for the given input shapes. */
  params?(node: GraphNode, inputs: SampleShape[]): ParamShape[];
  /** Append the layer's forward pass: its inputs' values and shapes, its parameters' inputs by suffix. */
  build(
    ctx: LayerContext,
    node: GraphNode,
    inputs: number[],
    shapes: SampleShape[],
    params: Record<string, number>,
  ): LayerResult;
  torch: TorchLayer;
  onnxImport?: OnnxImporter;
}
