/** Conversion between the trainer's WeightSet and the project's JSON weights. */
import { buildForward } from '../backprop/model.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../train/backend.ts';
import { ProjectError, type WeightsJson } from './project.ts';

/** WeightSet → plain JSON arrays (float32 values written as the shortest exact decimals). */
export function weightsToJson(w: WeightSet): WeightsJson {
  const out: WeightsJson = {};
  for (const [name, { shape, data }] of w) out[name] = { shape: [shape[0], shape[1]], data: Array.from(data) };
  return out;
}

/**
 * JSON weights → WeightSet of Float32Arrays for `graph`: every parameter the network declares must
 * be there in its exact shape (a transposed 8 × 2 for a 2 × 8 layer, or a missing bias, is refused),
 * with finite float32 values. Throws ProjectError naming the parameter.
 */
export function weightsFromJson(j: WeightsJson, graph: GraphDoc): WeightSet {
  const w: WeightSet = new Map();
  const refit = 'Train the network again to get weights that fit it';
  let params;
  try {
    params = buildForward(graph, { training: true }).params;
  } catch (e) {
    throw new ProjectError(`The network cannot be built, so its weights cannot be used: ${(e as Error).message}`);
  }
  for (const p of params) {
    const src = Object.hasOwn(j, p.name) ? j[p.name] : undefined;
    if (!src)
      throw new ProjectError(`The weights have no values for '${p.name}' (${p.shape[0]} × ${p.shape[1]}). ${refit}.`);
    const [r, c] = src.shape;
    if (r !== p.shape[0] || c !== p.shape[1])
      throw new ProjectError(
        `The weights '${p.name}' are ${r} × ${c} but the network needs ${p.shape[0]} × ${p.shape[1]}. ${refit}.`,
      );
    if (src.data.length !== r * c)
      throw new ProjectError(`The weights '${p.name}' have ${src.data.length} values but shape ${r} × ${c}.`);
    const data = Float32Array.from(src.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ProjectError(
        `The weights '${p.name}' hold ${src.data[bad]} at index ${bad}, which is not a finite float32. ${refit}.`,
      );
    w.set(p.name, { shape: [r, c], data });
  }
  return w;
}
