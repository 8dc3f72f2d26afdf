/** Layer builders by type. */
import type { LayerType } from '../graph/catalog.ts';
import { dense } from './dense.ts';
import type { LayerBuilder } from './layer.ts';
import { activation, add, concatenate, dropout, softmax } from './simple.ts';

export const LAYER_BUILDERS: Record<Exclude<LayerType, 'Input'>, LayerBuilder> = {
  Dense: dense,
  Output: dense,
  Activation: activation,
  Softmax: softmax,
  Dropout: dropout,
  Add: add,
  Concatenate: concatenate,
};

export type { LayerBuilder, LayerContext, LayerResult, MaskDecl, ParamDecl } from './layer.ts';
