/** Conversion between the trainer's WeightSet and the project's JSON weights. */
import { sizeOf } from '../tensor/tensor.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { WeightsJson } from './project.ts';

/** WeightSet → plain JSON arrays (float32 values written as the shortest exact decimals). */
export function weightsToJson(w: WeightSet): WeightsJson {
  const out: WeightsJson = {};
  for (const [name, { shape, data }] of w) out[name] = { shape: [...shape], data: Array.from(data) };
  return out;
}

/** JSON weights → WeightSet of Float32Arrays; checks each size against its shape. */
export function weightsFromJson(j: WeightsJson): WeightSet {
  const w: WeightSet = new Map();
  for (const [name, { shape, data }] of Object.entries(j)) {
    if (data.length !== sizeOf(shape))
      throw new Error(`Weights '${name}' have ${data.length} values but shape ${shape.join(' × ')}.`);
    w.set(name, { shape: [...shape], data: Float32Array.from(data) });
  }
  return w;
}
