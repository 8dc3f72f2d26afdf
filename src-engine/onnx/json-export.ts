/** Export as JSON (and back): the graph, the weights by parameter name and the preprocessing, in one document. */
import { sizeOf } from '../tensor/tensor.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import { parseGraph, type GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { NETWRIGHT_VERSION } from './export-model.ts';
import { datasetRefSchema, parseProject, PROJECT_FORMAT, PROJECT_VERSION, type Project } from '../project/project.ts';
import { weightsFromJson, weightsToJson } from '../project/weights.ts';
import { makeTrainConfig, trainConfigSchema } from '../train/config.ts';
import { runId, runRecord } from '../train/session.ts';

export const WEIGHTS_FORMAT = 'netwright-weights';

export interface WeightsDocument {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  producer: string;
  name: string;
  graph: GraphDoc;
  /** Row-major values; W is [inputs, units] (x · W + b), b is [1, units]. */
  weights: Record<string, { shape: number[]; data: number[] }>;
  preprocessing: Preprocessing | null;
}

/** The JSON text of a weights document. */
export function exportWeightsJson(
  graph: GraphDoc,
  weights: WeightSet,
  opts: { name?: string; preprocessing?: Preprocessing | null } = {},
): string {
  const doc: WeightsDocument = {
    format: WEIGHTS_FORMAT,
    version: 1,
    producer: `Netwright ${NETWRIGHT_VERSION}`,
    name: opts.name ?? 'netwright',
    graph,
    weights: Object.fromEntries([...weights].map(([k, w]) => [k, { shape: [...w.shape], data: Array.from(w.data) }])),
    preprocessing: opts.preprocessing ?? null,
  };
  return JSON.stringify(doc);
}

/** Open a weights document (this module's export) back into graph, weights and preprocessing. */
export function importWeightsJson(
  text: string,
  file = 'weights.json',
): { graph: GraphDoc; weights: WeightSet; preprocessing: Preprocessing | null; name: string } {
  let doc: Partial<WeightsDocument>;
  try {
    doc = JSON.parse(text) as Partial<WeightsDocument>;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}).`, { cause: e });
  }
  if (!doc || doc.format !== WEIGHTS_FORMAT)
    throw new Error(`${file} is not a Netwright weights document (no "format": "${WEIGHTS_FORMAT}").`);
  const parsed = parseGraph(doc.graph);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.problems.map((p) => p.message).join(' ')}`);
  const weights: WeightSet = new Map();
  for (const [name, w] of Object.entries(doc.weights ?? {})) {
    if (!Array.isArray(w?.shape) || !Array.isArray(w.data) || w.data.length !== sizeOf(w.shape))
      throw new Error(`${file}: weights '${name}' do not match their shape.`);
    weights.set(name, { shape: [...w.shape], data: Float32Array.from(w.data) });
  }
  return { graph: parsed.graph, weights, preprocessing: doc.preprocessing ?? null, name: doc.name ?? file };
}

/**
 * A weights document (this module's export, or the checkpoint of an exported PyTorch training
 * script) as a trainable project: graph, weights and preprocessing, and when the document has them
 * the training settings, the dataset it was trained on and its epoch history as a run.
 */
export function projectFromWeightsJson(text: string, fileName = 'weights.json'): { project: Project; notes: string[] } {
  const doc = importWeightsJson(text, fileName);
  const raw = JSON.parse(text) as {
    training?: unknown;
    dataset?: unknown;
    history?: unknown;
    startedAt?: unknown;
    producer?: unknown;
  };
  const notes: string[] = [];
  const training = trainConfigSchema.safeParse(raw.training ?? {});
  if (!training.success) notes.push('its training settings were not readable; the defaults are used');
  const dataset = datasetRefSchema.safeParse(raw.dataset ?? { kind: 'none' });
  const history = Array.isArray(raw.history)
    ? raw.history.filter(
        (p): p is Record<string, number> =>
          Boolean(p) && typeof p === 'object' && Object.values(p as object).every((v) => typeof v === 'number'),
      )
    : [];
  const startedAt = typeof raw.startedAt === 'string' ? raw.startedAt : new Date(0).toISOString();
  if (typeof raw.producer === 'string' && raw.producer !== `Netwright ${NETWRIGHT_VERSION}`)
    notes.push(`written by ${raw.producer}`);
  const project: Project = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: doc.name,
    graph: doc.graph,
    dataset: dataset.success ? dataset.data : { kind: 'none' },
    training: training.success ? training.data : makeTrainConfig({}),
    weights: weightsToJson(doc.weights),
    ...(doc.preprocessing ? { preprocessing: doc.preprocessing } : {}),
    runs: history.length
      ? [
          runRecord({
            id: runId(startedAt),
            startedAt,
            config: training.success ? training.data : {},
            points: history,
            graph: doc.graph,
          }),
        ]
      : [],
  };
  const parsed = parseProject(project, fileName);
  // Every parameter the graph declares, in its exact shape (the error names the one that is not).
  weightsFromJson(parsed.weights!, parsed.graph);
  return { project: parsed, notes };
}
