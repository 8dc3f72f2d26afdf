/**
 * The registry of layer types: one definition per file, in the palette's order. Adding a layer type
 * means writing its file and listing it here.
 */
import { activation } from './activation.ts';
import { add } from './add.ts';
import { concatenate } from './concatenate.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import { input } from './input.ts';
import type { LayerDef } from './layer.ts';
import { output } from './output.ts';
import { softmax } from './softmax.ts';

export const LAYER_DEFS = {
  Input: input,
  Dense: dense,
  Activation: activation,
  Softmax: softmax,
  Dropout: dropout,
  Add: add,
  Concatenate: concatenate,
  Output: output,
} satisfies Record<string, LayerDef>;

export type LayerType = keyof typeof LAYER_DEFS;
export const LAYER_TYPES = Object.keys(LAYER_DEFS) as LayerType[];

/** The definition of a layer type (throws on an unknown type). */
export function layerDef(type: LayerType): LayerDef {
  const d = (LAYER_DEFS as Record<string, LayerDef>)[type];
  if (!d) throw new Error(`Unknown layer type '${type}'`);
  return d;
}

export type {
  ImportContext,
  ImportedLayer,
  LayerContext,
  LayerDef,
  LayerResult,
  MaskDecl,
  ParamDecl,
  ParamShape,
  SampleShape,
} from './layer.ts';
