/** Export as JSON: the graph, the weights by parameter name and the preprocessing, in one document. */
import type { Preprocessing } from '../data/preprocess.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../train/backend.ts';
import { NETWRIGHT_VERSION } from './export-model.ts';

export const WEIGHTS_FORMAT = 'netwright-weights';

export interface WeightsDocument {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  producer: string;
  name: string;
  graph: GraphDoc;
  /** Row-major values; W is [inputs, units] (x · W + b), b is [1, units]. */
  weights: Record<string, { shape: [number, number]; data: number[] }>;
  preprocessing: Preprocessing | null;
}

/** The JSON text of a weights document. */
export function exportWeightsJson(graph: GraphDoc, weights: WeightSet, opts: { name?: string; preprocessing?: Preprocessing | null } = {}): string {
  const doc: WeightsDocument = {
    format: WEIGHTS_FORMAT,
    version: 1,
    producer: `Netwright ${NETWRIGHT_VERSION}`,
    name: opts.name ?? 'netwright',
    graph,
    weights: Object.fromEntries([...weights].map(([k, w]) => [k, { shape: [w.shape[0], w.shape[1]], data: Array.from(w.data) }])),
    preprocessing: opts.preprocessing ?? null,
  };
  return JSON.stringify(doc);
}
