/**
 * Runtime schemas for every request payload, keyed by method. Hosts validate each payload with these
 * before use; the `satisfies` clause makes a missing or misspelled method a compile error.
 */
import { z } from 'zod';
import { parseProject, type Project } from '../project/project.ts';
import type { ApiMethod } from './api.ts';
import { EXPORT_FORMATS } from './training.ts';

/** Upper bound on a project's text, so a hostile payload cannot exhaust memory. */
export const MAX_PROJECT_CHARS = 64 * 1024 * 1024;

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
  saveProject: z.object({ project, saveAs: z.boolean(), fileName: fileName.nullable() }).strict(),
  autosave: z.object({ project, fileName: fileName.nullable() }).strict(),
  getRecovery: empty,
  clearRecovery: empty,
  listDatasets: empty,
  listProviders: empty,
  openData: z.object({ fileName, base64: z.string().max(MAX_PROJECT_CHARS * 2), target: column.nullable() }).strict(),
  summarizeData: z.object({ dataId: z.string().min(1).max(100), target: column.nullable() }).strict(),
  dataShape: z.object({ data: dataChoice }).strict(),
  trainStart: z
    .object({ project, data: dataChoice, start: z.enum(['fresh', 'continue']), ep: z.string().max(40).nullable() })
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
    })
    .strict(),
  restoreRun: z.object({ project, data: dataChoice.nullable() }).strict(),
  lastRun: empty,
  exportModel: z.object({ format: z.enum(EXPORT_FORMATS) }).strict(),
  importOnnx: z.object({ fileName, base64: z.string().max(MAX_PROJECT_CHARS * 2) }).strict(),
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
    (i) => i.path.length === 1 && i.path[0] === 'project' && i.code === 'custom',
  );
  if (projectIssue) return { ok: false, message: projectIssue.message, code: 'invalid-project' };
  const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
  return { ok: false, message: `Bad request to ${method}: ${first.join('; ')}.`, code: 'bad-request' };
}
