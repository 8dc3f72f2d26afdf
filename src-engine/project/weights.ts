/** Conversion between the trainer's WeightSet and the project's JSON weights. */
import type { WeightSet } from '../train/backend.ts';
import type { WeightsJson } from './project.ts';

/** WeightSet → plain JSON arrays (float32 values written as the shortest exact decimals). */
export function weightsToJson(w: WeightSet): WeightsJson {
  const out: WeightsJson = {};
  for (const [name, { shape, data }] of w) out[name] = { shape: [shape[0], shape[1]], data: Array.from(data) };
  return out;
}

/** JSON weights → WeightSet of Float32Arrays; checks each size against its shape. */
export function weightsFromJson(j: WeightsJson): WeightSet {
  const w: WeightSet = new Map();
  for (const [name, { shape, data }] of Object.entries(j)) {
    if (data.length !== shape[0] * shape[1])
      throw new Error(`Weights '${name}' have ${data.length} values but shape ${shape[0]} × ${shape[1]}.`);
    w.set(name, { shape: [shape[0], shape[1]], data: Float32Array.from(data) });
  }
  return w;
}
