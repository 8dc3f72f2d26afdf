/**
 * The registry of layer types: one definition per file, in the palette's order. Adding a layer type
 * means writing its file and listing it here.
 */
import { activation } from './activation.ts';
import { add } from './add.ts';
import { avgPool2d } from './avgpool2d.ts';
import { batchNorm } from './batchnorm.ts';
import { concatenate } from './concatenate.ts';
import { conv2d } from './conv2d.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import { features } from './features.ts';
import { flatten } from './flatten.ts';
import { globalAvgPool } from './globalavgpool.ts';
import { input } from './input.ts';
import { layerNorm } from './layernorm.ts';
import { maxPool2d } from './maxpool2d.ts';
import { reshape } from './reshape.ts';
import type { LayerDef } from './layer.ts';
import { output } from './output.ts';
import { softmax } from './softmax.ts';

export const LAYER_DEFS = {
  Input: input,
  Features: features,
  Dense: dense,
  Conv2D: conv2d,
  MaxPool2D: maxPool2d,
  AvgPool2D: avgPool2d,
  GlobalAveragePool: globalAvgPool,
  Flatten: flatten,
  Reshape: reshape,
  BatchNorm: batchNorm,
  LayerNorm: layerNorm,
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

export { LAYER_CATEGORIES } from './layer.ts';
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
