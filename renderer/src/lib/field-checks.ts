/**
 * Inline checks of the settings' fields against the engine's own ranges (the training config's zod
 * schema, the catalog of built-in datasets), said as a sentence: "Learning rate must be greater than
 * 0 (it is -1)." Never schema JSON, also when an error from the engine carries some.
 */
import { optimizerConfigSchema, trainConfigSchema } from '../../../src-engine/protocol/index.ts';
import type { TrainSettings } from './train-settings.ts';

/** What the engine's schemas say about one value (the parts of a zod issue the sentence needs). */
interface Issue {
  code: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  path?: PropertyKey[];
  message?: string;
}

interface Checkable {
  safeParse(v: unknown): { success: true } | { success: false; error: { issues: Issue[] } };
}

const num = (v: number | bigint) => Number(v).toLocaleString('en-US', { maximumFractionDigits: 10 });

/** One issue as a sentence about the field `label` holding `value`. */
export function issueSentence(label: string, issue: Issue, value?: unknown): string {
  const got = typeof value === 'number' && Number.isFinite(value) ? ` (it is ${num(value)})` : '';
  if (issue.code === 'too_small' && issue.minimum !== undefined)
    return `${label} must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${num(issue.minimum)}${got}.`;
  if (issue.code === 'too_big' && issue.maximum !== undefined)
    return `${label} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${num(issue.maximum)}${got}.`;
  if (issue.code === 'invalid_type' && issue.expected === 'int') return `${label} must be a whole number${got}.`;
  if (issue.code === 'invalid_type') return `${label} must be a number.`;
  if (issue.code === 'invalid_value' || issue.code === 'invalid_enum_value')
    return `${label} has a value it cannot take.`;
  return `${label} is not valid${got}.`;
}

/** Check a value with a schema; null when it passes, else the first issue as a sentence. */
export function checkWith(schema: Checkable, label: string, value: unknown): string | null {
  if (typeof value === 'number' && Number.isNaN(value)) return `${label} must be a number.`;
  const r = schema.safeParse(value);
  return r.success ? null : issueSentence(label, r.error.issues[0]!, value);
}

/** Check a number against explicit limits (a dataset's parameters, the split), with the same sentences. */
export function checkRange(
  label: string,
  value: number,
  limits: { min?: number; max?: number; int?: boolean },
): string | null {
  if (!Number.isFinite(value)) return `${label} must be a number.`;
  if (limits.int && !Number.isInteger(value))
    return issueSentence(label, { code: 'invalid_type', expected: 'int' }, value);
  if (limits.min !== undefined && value < limits.min)
    return issueSentence(label, { code: 'too_small', minimum: limits.min, inclusive: true }, value);
  if (limits.max !== undefined && value > limits.max)
    return issueSentence(label, { code: 'too_big', maximum: limits.max, inclusive: true }, value);
  return null;
}

/** The numeric fields of the training panel: their labels and the engine schema each is checked with. */
export const TRAIN_FIELDS = {
  lr: { label: 'Learning rate', schema: optimizerConfigSchema.shape.lr },
  epochs: { label: 'Epochs', schema: trainConfigSchema.shape.epochs },
  batchSize: { label: 'Batch size', schema: trainConfigSchema.shape.batchSize },
  momentum: { label: 'Momentum', schema: optimizerConfigSchema.shape.momentum },
  beta1: { label: 'β1', schema: optimizerConfigSchema.shape.beta1 },
  beta2: { label: 'β2', schema: optimizerConfigSchema.shape.beta2 },
  l1: { label: 'L1', schema: trainConfigSchema.shape.l1 },
  l2: { label: 'L2', schema: trainConfigSchema.shape.l2 },
  clipNorm: { label: 'Clip norm', schema: trainConfigSchema.shape.clipNorm },
  seed: { label: 'Seed', schema: trainConfigSchema.shape.seed },
} satisfies Partial<Record<keyof TrainSettings, { label: string; schema: Checkable }>>;

export type TrainField = keyof typeof TRAIN_FIELDS;

/** The split's limits, as the engine's schema has them for the validation share (the test share too). */
export const SPLIT_FIELD = { label: 'Validation', schema: trainConfigSchema.shape.validationSplit };

/** Check a typed training field: null when it is valid, else the sentence. */
export function checkTrainField(field: TrainField, value: number): string | null {
  const f = TRAIN_FIELDS[field];
  return checkWith(f.schema, f.label, value);
}

const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(TRAIN_FIELDS).map(([k, v]) => [k, v.label])),
  validationSplit: 'Validation',
  optimizer: 'Optimizer',
};

/**
 * An error message for people: when it is (or contains) a JSON list of schema issues, as an engine
 * error may be, the issues are said as sentences naming their fields.
 */
export function readableError(message: string): string {
  const at = message.search(/\[\s*\{/);
  if (at < 0) return message;
  try {
    const issues = JSON.parse(message.slice(at)) as Issue[];
    if (!Array.isArray(issues) || !issues.every((i) => typeof i?.code === 'string')) return message;
    const sentences = issues.slice(0, 3).map((i) => {
      const key = String(i.path?.at(-1) ?? '');
      return issueSentence(FIELD_LABELS[key] ?? (key || 'A setting'), i);
    });
    return `${message.slice(0, at).trim()} ${sentences.join(' ')}`.trim();
  } catch {
    return message;
  }
}
