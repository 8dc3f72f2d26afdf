/** Named parameter tensors: the weights of a model, as backends, projects and exports pass them around. */
import type { FloatArray } from './tensor.ts';

/** Weights by parameter name, e.g. `hidden.W` [in, units], `hidden.b` [1, units], `conv1.W` [F, C, KH, KW]. */
export type WeightSet = Map<string, { shape: readonly number[]; data: FloatArray }>;
