/** Conversion between the trainer's WeightSet and the project's JSON weights. */
import type { GraphDoc } from '../graph/document.ts';
import { CompiledModel } from '../model/compile.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { ProjectError, type WeightsJson } from './project.ts';

/** WeightSet → plain JSON arrays (float32 values written as the shortest exact decimals). */
export function weightsToJson(w: WeightSet): WeightsJson {
  const out: WeightsJson = {};
  for (const [name, { shape, data }] of w) out[name] = { shape: [...shape], data: Array.from(data) };
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
  const dims = (s: readonly number[]) => s.join(' × ');
  let params;
  try {
    params = new CompiledModel(graph).forward.params;
  } catch (e) {
    throw new ProjectError(`The network cannot be built, so its weights cannot be used: ${(e as Error).message}`);
  }
  for (const p of params) {
    const src = Object.hasOwn(j, p.name) ? j[p.name] : undefined;
    if (!src) throw new ProjectError(`The weights have no values for '${p.name}' (${dims(p.shape)}). ${refit}.`);
    if (src.shape.length !== p.shape.length || src.shape.some((d, i) => d !== p.shape[i]))
      throw new ProjectError(
        `The weights '${p.name}' are ${dims(src.shape)} but the network needs ${dims(p.shape)}. ${refit}.`,
      );
    const size = src.shape.reduce((a, b) => a * b, 1);
    if (src.data.length !== size)
      throw new ProjectError(`The weights '${p.name}' have ${src.data.length} values but shape ${dims(src.shape)}.`);
    const data = Float32Array.from(src.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ProjectError(
        `The weights '${p.name}' hold ${src.data[bad]} at index ${bad}, which is not a finite float32. ${refit}.`,
      );
    w.set(p.name, { shape: [...src.shape], data });
  }
  return w;
}
