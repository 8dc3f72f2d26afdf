/**
 * Runtime schemas for every request payload, keyed by method. Hosts validate each payload with these
 * before use; the `satisfies` clause makes a missing or misspelled method a compile error.
 */
import { z } from 'zod';
import type { ApiMethod } from './api.ts';
import { EXPORT_FORMATS } from './training.ts';

/** Upper bound on a project's text, so a hostile payload cannot exhaust memory. */
export const MAX_PROJECT_CHARS = 64 * 1024 * 1024;

const empty = z.object({}).strict();
const fileName = z.string().min(1).max(255);
const column = z.string().min(1).max(500);
const fraction = z.number().min(0).max(0.9);
const dataChoice = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('builtin'), id: z.string().min(1).max(200), params: z.record(z.string(), z.number()) })
    .strict(),
  z
    .object({
      kind: z.literal('upload'),
      dataId: z.string().min(1).max(100),
      target: column,
      features: z.array(column).max(100_000).nullable(),
      scaling: z.enum(['standard', 'minmax', 'none']),
      missing: z.enum(['drop', 'impute', 'refuse']),
      validation: fraction,
      test: fraction,
    })
    .strict(),
]);

export const requestSchemas = {
  hostInfo: empty,
  listTemplates: empty,
  newProject: z.object({ templateId: z.string().min(1).max(200).nullable() }).strict(),
  openProject: empty,
  importProject: z.object({ fileName, text: z.string().max(MAX_PROJECT_CHARS) }).strict(),
  saveProject: z
    .object({ project: z.record(z.string(), z.unknown()), saveAs: z.boolean(), fileName: fileName.nullable() })
    .strict(),
  autosave: z.object({ project: z.record(z.string(), z.unknown()), fileName: fileName.nullable() }).strict(),
  getRecovery: empty,
  clearRecovery: empty,
  listRecent: empty,
  openRecent: z.object({ id: z.string().min(1).max(100) }).strict(),
  listDatasets: empty,
  listProviders: empty,
  openData: z.object({ fileName, base64: z.string().max(MAX_PROJECT_CHARS * 2), target: column.nullable() }).strict(),
  summarizeData: z.object({ dataId: z.string().min(1).max(100), target: column.nullable() }).strict(),
  dataShape: z.object({ data: dataChoice }).strict(),
  trainStart: z
    .object({
      graph: z.record(z.string(), z.unknown()),
      training: z.record(z.string(), z.unknown()),
      data: dataChoice,
      name: z.string().max(500),
      ep: z.string().max(40).nullable(),
      keepWeights: z.boolean().optional(),
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
    })
    .strict(),
  lastRun: empty,
  exportModel: z.object({ format: z.enum(EXPORT_FORMATS) }).strict(),
} satisfies Record<ApiMethod, z.ZodType>;

export const API_METHODS = Object.keys(requestSchemas) as ApiMethod[];

/** Whether a string names an Api request method. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** Validate a payload for a method; returns the typed payload or a sentence naming the bad field. */
export function checkRequest(
  method: ApiMethod,
  payload: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const r = requestSchemas[method].safeParse(payload);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
  return { ok: false, message: `Bad request to ${method}: ${first.join('; ')}.` };
}
