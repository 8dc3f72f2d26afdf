/** The shared interface of layer builders: each appends its forward pass to a Program. */
import type { InitializerName } from '../graph/catalog.ts';
import type { GraphNode } from '../graph/document.ts';
import type { Program, Shape } from '../backprop/ir.ts';

/** A trainable parameter declared by a layer. */
export interface ParamDecl {
  /** `<nodeId>.W` or `<nodeId>.b` */
  name: string;
  nodeId: string;
  kind: 'W' | 'b';
  shape: Shape;
  init: InitializerName;
  fanIn: number;
  fanOut: number;
  /** The program input holding it. */
  input: number;
}

/** A dropout mask input, filled by the host with (u >= rate) / (1 - rate) for each training step. */
export interface MaskDecl {
  name: string;
  nodeId: string;
  rate: number;
  cols: number;
  input: number;
}

export interface LayerContext {
  p: Program;
  training: boolean;
  params: ParamDecl[];
  masks: MaskDecl[];
}

export interface LayerResult {
  /** The layer's output value. */
  out: number;
  /** For layers with an activation: the value before it (the logits of an Output layer). */
  pre?: number;
}

export interface LayerBuilder {
  build(ctx: LayerContext, node: GraphNode, inputs: number[], inSizes: number[]): LayerResult;
}
