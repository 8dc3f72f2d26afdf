/**
 * The project document (`.netwright`, JSON): graph, dataset reference and preprocessing, training
 * config, and once trained the weights and the run history. Versioned; older versions migrate.
 */
import { z } from 'zod';
import { FLOAT32_MAX } from '../data/cells.ts';
import { graphSchema, parseGraph, type GraphDoc } from '../graph/document.ts';
import { trainConfigSchema, type TrainConfig } from '../train/config.ts';
import { migrateProject } from './migrate.ts';

export const PROJECT_FORMAT = 'netwright-project';
export const PROJECT_VERSION = 1;

export const datasetRefSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('builtin'),
    id: z.string(),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  }),
  z.object({
    kind: z.literal('file'),
    path: z.string(),
    target: z.string().optional(),
    labelsPath: z.string().optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({ kind: z.literal('none') }),
]);
export type DatasetRef = z.infer<typeof datasetRefSchema>;

const dim = z.number().int().positive();
/**
 * Weights by parameter name (`<nodeId>.W`, `<nodeId>.b`), stored as plain arrays in JSON: values
 * finite in float32 (1e39 would load as Infinity), as many as the shape says.
 */
export const weightsSchema = z.record(
  z.string(),
  z
    .object({
      shape: z.array(dim).min(1).max(8),
      data: z.array(z.number().min(-FLOAT32_MAX).max(FLOAT32_MAX)),
    })
    .refine((w) => w.data.length === w.shape.reduce((a, b) => a * b, 1), {
      message: 'the number of values does not match the shape',
    }),
);
export type WeightsJson = z.infer<typeof weightsSchema>;

export const runRecordSchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  config: z.record(z.string(), z.unknown()),
  epochs: z.array(z.record(z.string(), z.number())),
  final: z.record(z.string(), z.number()).optional(),
  stopReason: z.string().optional(),
  /** The network the run trained (runs saved before this was kept have none). */
  graph: graphSchema.optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

const rngState = z.object({
  s: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  spare: z.number().nullable(),
});

/**
 * A checkpoint of a run (see Checkpoint in src-engine/train/trainer.ts): everything needed to replay
 * or fork the run from the end of an epoch, bit for bit.
 */
export const checkpointSchema = z.object({
  runId: z.string(),
  epoch: z.number().int().min(0),
  t: z.number().int().min(0),
  weights: weightsSchema,
  state: weightsSchema,
  maskRng: rngState.nullable(),
  /** Absent in checkpoints saved before augmentation's generator was kept. */
  augmentRng: rngState.nullable().optional(),
  watch: z
    .object({
      best: z.object({ epoch: z.number(), loss: z.number() }),
      initial: z.number(),
      previous: z.number(),
      rising: z.number(),
    })
    .nullable(),
  keep: weightsSchema.nullable(),
  early: z.object({ value: z.number(), sinceBest: z.number(), weights: weightsSchema }).nullable(),
});
export type CheckpointJson = z.infer<typeof checkpointSchema>;

export const projectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.number().int().min(0),
  name: z.string().default('Untitled'),
  template: z.string().optional(),
  graph: graphSchema,
  dataset: datasetRefSchema.default({ kind: 'none' }),
  /** Fitted preprocessing (see src-engine/data/preprocess.ts), stored as-is. */
  preprocessing: z.unknown().optional(),
  training: trainConfigSchema,
  weights: weightsSchema.optional(),
  runs: z.array(runRecordSchema).default([]),
  /** Checkpoints of the last run, within a size budget. */
  checkpoints: z.array(checkpointSchema).optional(),
});

export interface Project {
  format: typeof PROJECT_FORMAT;
  version: typeof PROJECT_VERSION;
  name: string;
  template?: string;
  graph: GraphDoc;
  dataset: DatasetRef;
  preprocessing?: unknown;
  training: TrainConfig;
  weights?: WeightsJson;
  runs: RunRecord[];
  checkpoints?: CheckpointJson[];
}

/** Runs a project keeps (the oldest go first); each run's epochs are bounded too (RUN_RECORD_POINTS). */
export const MAX_PROJECT_RUNS = 20;

/** The project's runs with a new one appended, the oldest dropped beyond MAX_PROJECT_RUNS. */
export function withRun(runs: readonly RunRecord[], run: RunRecord): RunRecord[] {
  return [...runs, run].slice(-MAX_PROJECT_RUNS);
}

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

/** Parse a project from JSON text or a value; throws ProjectError with a clear message. */
export function parseProject(input: unknown, fileName = 'project'): Project {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new ProjectError(`${fileName} is not a Netwright project: it is not valid JSON (${(e as Error).message}).`);
    }
  }
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== PROJECT_FORMAT) {
    throw new ProjectError(`${fileName} is not a Netwright project (no "format": "${PROJECT_FORMAT}").`);
  }
  const saved = (value as { version?: unknown }).version;
  if (typeof saved !== 'number' || !Number.isInteger(saved) || saved < 0)
    throw new ProjectError(
      `${fileName} is damaged: its "version" must be a whole number from 0 to ${PROJECT_VERSION} (it is ${JSON.stringify(saved) ?? 'missing'}).`,
    );
  value = migrateProject(value, PROJECT_VERSION);
  const version = (value as { version?: unknown }).version;
  if (typeof version !== 'number' || version > PROJECT_VERSION) {
    throw new ProjectError(
      `${fileName} was saved by a newer Netwright (project version ${String(version)}; this one reads up to ${PROJECT_VERSION}). Update Netwright to open it.`,
    );
  }
  const parsed = projectSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProjectError(`${fileName} is damaged: ${first.join('; ')}.`);
  }
  const g = parseGraph(parsed.data.graph);
  if (!g.ok) throw new ProjectError(`${fileName}: ${g.problems.map((p) => p.message).join(' ')}`);
  return { ...parsed.data, format: PROJECT_FORMAT, version: PROJECT_VERSION, graph: g.graph } as Project;
}

/** Serialise a project as pretty JSON text. */
export function serializeProject(p: Project): string {
  return JSON.stringify(p, null, 1);
}
