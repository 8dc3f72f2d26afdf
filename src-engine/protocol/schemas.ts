/**
 * Runtime schemas for every request payload, keyed by method. Hosts validate each payload with these
 * before use; the `satisfies` clause makes a missing or misspelled method a compile error.
 */
import { z } from 'zod';
import type { ApiMethod } from './api.ts';

/** Upper bound on a project's text, so a hostile payload cannot exhaust memory. */
export const MAX_PROJECT_CHARS = 64 * 1024 * 1024;

const empty = z.object({}).strict();
const fileName = z.string().min(1).max(255);

export const requestSchemas = {
  hostInfo: empty,
  listTemplates: empty,
  newProject: z.object({ templateId: z.string().min(1).max(200).nullable() }).strict(),
  openProject: empty,
  importProject: z.object({ fileName, text: z.string().max(MAX_PROJECT_CHARS) }).strict(),
  saveProject: z.object({ project: z.record(z.string(), z.unknown()), saveAs: z.boolean(), fileName: fileName.nullable() }).strict(),
  autosave: z.object({ project: z.record(z.string(), z.unknown()), fileName: fileName.nullable() }).strict(),
  getRecovery: empty,
  clearRecovery: empty,
} satisfies Record<ApiMethod, z.ZodType>;

export const API_METHODS = Object.keys(requestSchemas) as ApiMethod[];

/** Whether a string names an Api request method. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** Validate a payload for a method; returns the typed payload or a sentence naming the bad field. */
export function checkRequest(method: ApiMethod, payload: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const r = requestSchemas[method].safeParse(payload);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
  return { ok: false, message: `Bad request to ${method}: ${first.join('; ')}.` };
}
