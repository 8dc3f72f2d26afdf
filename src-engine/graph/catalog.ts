/**
 * The layer catalog: every layer type Netwright knows, described as data (name, category, params
 * with types, defaults and ranges). Each entry comes from its layer's file (src-engine/layers); the
 * palette, the inspector, validation and the schema are all built from this one table.
 */
import { ACTIVATIONS, activationAt, type ActivationName } from '../layers/activations.ts';
import { INITIALIZERS, type InitializerName } from '../layers/init.ts';
import { LAYER_CATEGORIES, LAYER_DEFS, LAYER_TYPES, layerDef, type LayerType } from '../layers/index.ts';
import type { LayerCategory, ParamSpec, LayerSpec as DefSpec } from '../layers/layer.ts';
import type { ParamValue } from './document.ts';
import { LOSSES, LOSS_LABELS, type LossName } from '../losses/index.ts';

export { ACTIVATIONS, INITIALIZERS, LAYER_CATEGORIES, LAYER_TYPES, LOSSES, LOSS_LABELS };
/** An activation's value and exact derivative at x (for the palette's curves). */
export { activationAt };
export type { ActivationName, InitializerName, LayerCategory, LayerType, LossName, ParamSpec };

export interface LayerSpec extends DefSpec {
  type: LayerType;
}

export const LAYER_CATALOG: readonly LayerSpec[] = LAYER_TYPES.map((type) => ({ type, ...LAYER_DEFS[type].spec }));

/** The catalog entry of a layer type (throws on an unknown type). */
export function layerSpec(type: LayerType): LayerSpec {
  return { type, ...layerDef(type).spec };
}

/** Default parameter values of a layer type. */
export function defaultParams(type: LayerType): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const p of layerDef(type).spec.params) out[p.name] = p.default;
  return out;
}

/** A short line of a layer's key settings, as its node on the canvas shows it. */
export function layerSummary(node: { type: LayerType; params: Record<string, ParamValue> }): string {
  const def = layerDef(node.type);
  return def.summary ? def.summary(node.params) : def.spec.name;
}

/** Whether the inspector shows a field, given the layer's other values (e.g. Pad only for explicit padding). */
export function paramVisible(spec: ParamSpec, params: Record<string, ParamValue>): boolean {
  return !spec.visibleWhen || spec.visibleWhen.is.includes(String(params[spec.visibleWhen.param]));
}
