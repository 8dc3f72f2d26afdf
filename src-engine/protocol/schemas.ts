/**
 * Runtime schemas for every request payload, keyed by method. Hosts validate each payload with these
 * before use; the `satisfies` clause makes a missing or misspelled method a compile error.
 */
import { z } from 'zod';
import { parseProject, type Project } from '../project/project.ts';
import type { ApiMethod } from './api.ts';
import { PIXEL_SCALINGS } from '../data/preprocess.ts';
import { COLUMN_TYPES, DELIMITERS, EXPORT_FORMATS } from './training.ts';

/** Rows one traced step may show (every value of every layer comes back). */
export const MAX_TRACE_ROWS = 256;

/** Upper bound on a project's text, so a hostile payload cannot exhaust memory. */
export const MAX_PROJECT_CHARS = 64 * 1024 * 1024;
/** Bytes of a data file per uploadChunk call (base64 makes a 5.6 MB message of it). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
const base64Chunk = z
  .string()
  .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const uploadId = z.string().min(1).max(100);
const dataId = z.string().min(1).max(100);

const empty = z.object({}).strict();
/**
 * A project document, checked with the engine's own reader (migration, schema, graph): the handler
 * gets a typed Project, a bad one is refused with the reader's sentence.
 */
const project = z.unknown().transform((value, ctx): Project => {
  try {
    return parseProject(value, 'The project');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
const fileName = z.string().min(1).max(255);
const column = z.string().min(1).max(500);
const fraction = z.number().min(0).max(0.9);
/** Column types chosen over the inferred ones, by column name. */
const columnTypes = z.record(column, z.enum(COLUMN_TYPES));
const dataChoice = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('builtin'), id: z.string().min(1).max(200), params: z.record(z.string(), z.number()) })
    .strict(),
  z
    .object({
      kind: z.literal('upload'),
      dataId,
      target: column,
      features: z.array(column).max(100_000).nullable(),
      scaling: z.enum(['standard', 'minmax', 'none']),
      pixels: z.enum(PIXEL_SCALINGS).optional(),
      missing: z.enum(['drop', 'impute', 'refuse']),
      validation: fraction,
      test: fraction,
      columnTypes: columnTypes.optional(),
    })
    .strict(),
]);

export const requestSchemas = {
  hostInfo: empty,
  listTemplates: empty,
  newProject: z.object({ templateId: z.string().min(1).max(200).nullable() }).strict(),
  openProject: empty,
  importProject: z.object({ fileName, text: z.string().max(MAX_PROJECT_CHARS) }).strict(),
  saveProject: z.object({ project, saveAs: z.boolean(), fileName: fileName.nullable() }).strict(),
  autosave: z.object({ project, fileName: fileName.nullable() }).strict(),
  getRecovery: empty,
  clearRecovery: empty,
  listRecent: empty,
  openRecent: z.object({ id: z.string().min(1).max(100) }).strict(),
  listDatasets: empty,
  listProviders: empty,
  uploadBegin: z.object({ fileName, size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
  uploadChunk: z
    .object({ uploadId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), base64: base64Chunk })
    .strict(),
  uploadCancel: z.object({ uploadId }).strict(),
  openData: z
    .object({
      uploadId,
      target: column.nullable(),
      labelsUploadId: uploadId.nullable().optional(),
      delimiter: z.enum(DELIMITERS).nullable().optional(),
      textColumns: z.array(column).max(100_000).optional(),
    })
    .strict(),
  closeData: z.object({ dataId }).strict(),
  summarizeData: z.object({ dataId, target: column.nullable(), columnTypes: columnTypes.optional() }).strict(),
  dataShape: z.object({ data: dataChoice }).strict(),
  trainStart: z
    .object({
      project,
      data: dataChoice,
      start: z.enum(['fresh', 'continue']),
      ep: z.string().max(40).nullable(),
      from: z.number().int().min(0).nullable().optional(),
    })
    .strict(),
  trainControl: z.object({ action: z.enum(['pause', 'resume', 'stop', 'step']) }).strict(),
  viewOptions: z
    .object({
      features: z.tuple([z.number().int().min(0).max(1_000_000), z.number().int().min(0).max(1_000_000)]).optional(),
      space: z
        .object({ nodeId: z.string().min(1).max(200), method: z.enum(['exact', 'first3', 'pca']) })
        .strict()
        .optional(),
      sample: z.number().int().min(0).max(100_000_000).optional(),
      curveFeature: z.number().int().min(0).max(1_000_000).optional(),
      projection: z
        .object({ nodeId: z.string().min(1).max(200).nullable() })
        .strict()
        .optional(),
    })
    .strict(),
  restoreRun: z
    .object({ project, data: dataChoice.nullable(), epoch: z.number().int().min(0).nullable().optional() })
    .strict(),
  runViews: z.object({ project, data: dataChoice.nullable() }).strict(),
  lastRun: empty,
  exportModel: z.object({ format: z.enum(EXPORT_FORMATS) }).strict(),
  importOnnx: z.object({ fileName, base64: z.string().max(MAX_PROJECT_CHARS * 2) }).strict(),
  traceStep: z
    .object({
      project,
      data: dataChoice,
      rows: z.array(z.number().int().min(0)).min(1).max(MAX_TRACE_ROWS).nullable(),
      split: z.enum(['train', 'validation', 'test']).optional(),
    })
    .strict(),
  diffProjects: z.object({ a: project, b: project }).strict(),
  sweepStart: z
    .object({
      project,
      data: dataChoice,
      space: z
        .object({
          lr: z.array(z.number().positive().max(100)).max(16).optional(),
          batchSize: z.array(z.number().int().min(0).max(1_000_000)).max(16).optional(),
          width: z.array(z.number().int().min(1).max(100_000)).max(16).optional(),
          seed: z
            .array(
              z
                .number()
                .int()
                .min(0)
                .max(2 ** 32 - 1),
            )
            .max(16)
            .optional(),
        })
        .strict(),
      mode: z.enum(['grid', 'random']),
      count: z.number().int().min(1).max(64),
    })
    .strict(),
  sweepStop: z.object({ sweepId: z.string().min(1).max(100) }).strict(),
  sweepResult: z.object({ sweepId: z.string().min(1).max(100), index: z.number().int().min(0).max(1000) }).strict(),
} satisfies Record<ApiMethod, z.ZodType>;

/** Whether a string names an Api request method. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** Validate a payload for a method; returns the typed payload or a sentence naming the bad field. */
export function checkRequest(
  method: ApiMethod,
  payload: unknown,
): { ok: true; value: unknown } | { ok: false; message: string; code: 'bad-request' | 'invalid-project' } {
  const r = requestSchemas[method].safeParse(payload);
  if (r.success) return { ok: true, value: r.data };
  // A project the reader refuses carries the reader's own sentence.
  const projectIssue = r.error.issues.find(
    (i) => i.path.length === 1 && ['project', 'a', 'b'].includes(String(i.path[0])) && i.code === 'custom',
  );
  if (projectIssue) return { ok: false, message: projectIssue.message, code: 'invalid-project' };
  const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
  return { ok: false, message: `Bad request to ${method}: ${first.join('; ')}.`, code: 'bad-request' };
}
