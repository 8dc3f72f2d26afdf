/** Turns a project's dataset reference (built-in id or file) into Datasets, in Node. */
import {
  builtinDatasets,
  getBuiltinDataset,
  getBuiltinDatasetInfo,
  getBuiltinTestDataset,
} from '../data/builtin/index.ts';
import type { BuiltinDatasetItem } from '../protocol/training.ts';
import { takeRows, type Dataset } from '../data/dataset.ts';
import { prepare, type PrepareOptions, type Prepared } from '../data/prepare.ts';
import {
  applyPreprocessing,
  encodeTarget,
  PIXEL_SCALINGS,
  type PixelScaling,
  type Preprocessing,
} from '../data/preprocess.ts';
import { summarize, summaryLine } from '../data/summary.ts';
import type { DatasetRef } from '../project/project.ts';
import { COLUMN_TYPES, DELIMITERS, type ColumnType, type Delimiter } from '../protocol/training.ts';
import { loadDigits } from './datasets/digits.ts';
import { loadTable, type LoadTableOptions } from './data/load-table.ts';

export interface ResolvedData {
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
  preprocessing?: Preprocessing;
  /** One line describing the data, printed before training. */
  summary: string;
}

/** Real MNIST digits: read from the installed `mnist` package, so only Node hosts have them. */
const DIGITS: BuiltinDatasetItem = {
  id: 'digits',
  name: 'MNIST digits',
  description: 'Real 28×28 handwritten digits from the MNIST set: 784 pixels (1×28×28 images), 10 classes.',
  task: 'multiclass',
  params: [
    { name: 'count', type: 'int', default: 5000, min: 10, max: 10000, description: 'How many digits to load.' },
    {
      name: 'test',
      type: 'int',
      default: 0,
      min: 0,
      max: 5000,
      description: 'How many of them (the last in the seeded order) to hold out as the test set.',
    },
  ],
};

/** Every built-in dataset with its parameters, as the data panel lists them (digits included). */
export function builtinDatasetItems(): BuiltinDatasetItem[] {
  return [
    ...builtinDatasets.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      task: d.task,
      params: d.params.map((p) => ({
        name: p.name,
        type: p.type,
        default: p.default,
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        description: p.description,
        ...(p.slider ? { slider: p.slider } : {}),
      })),
    })),
    DIGITS,
  ];
}

/** Load a built-in dataset by id (including the Node-only 'digits'). */
export async function loadBuiltin(
  id: string,
  params: Record<string, number | string | boolean> = {},
): Promise<ResolvedData> {
  if (id === DIGITS.id) {
    const count = typeof params.count === 'number' ? params.count : DIGITS.params[0]!.default;
    const held = typeof params.test === 'number' ? params.test : 0;
    if (!Number.isInteger(held) || held < 0 || held >= count)
      throw new Error(`digits: the test set must be a whole number of digits below the count ${count} (got ${held}).`);
    const ds = await loadDigits({ count, seed: typeof params.seed === 'number' ? params.seed : 1 });
    const summary = `digits: ${count} MNIST digits (1×28×28 images), 10 classes`;
    if (!held) return { train: ds, summary };
    const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);
    return {
      train: takeRows(ds, range(0, count - held)),
      test: takeRows(ds, range(count - held, count), 'digits (test)'),
      summary: `${summary}: ${count - held} for training, ${held} held out for testing`,
    };
  }
  const info = getBuiltinDatasetInfo(id);
  const numeric: Record<string, number> = {};
  for (const [k, v] of Object.entries(params)) if (typeof v === 'number') numeric[k] = v;
  const train = getBuiltinDataset(id, numeric);
  const test = info.generateTest ? getBuiltinTestDataset(id, numeric) : undefined;
  return {
    train,
    ...(test ? { test } : {}),
    summary: `${info.name}: ${train.rows} rows, ${train.features} features, ${train.task}${train.classNames ? ` (${train.classNames.join(', ')})` : ''}`,
  };
}

/** How a data file is read, beyond its format: kept in a project's file reference (`options`). */
export interface FileReadOptions {
  /** CSV field delimiter (sniffed when absent). */
  delimiter?: Delimiter;
  /** Column types chosen over the inferred ones. */
  columnTypes?: Record<string, ColumnType>;
}

const DELIMITER_NAMES: Record<string, Delimiter> = { comma: ',', semicolon: ';', tab: '\t' };

/** A delimiter by name (comma, semicolon, tab) or character; a sentence naming `where` when unknown. */
export function parseDelimiter(text: string, where: string): Delimiter {
  const d = DELIMITER_NAMES[text.toLowerCase()] ?? (text === '\\t' ? '\t' : text);
  if ((DELIMITERS as readonly string[]).includes(d)) return d as Delimiter;
  throw new Error(`${where} must be comma, semicolon or tab (got '${text}').`);
}

/** Column types written `name=type,name=type` (types: numeric, categorical, boolean, text). */
export function parseColumnTypes(text: string, where: string): Record<string, ColumnType> {
  const out = Object.create(null) as Record<string, ColumnType>;
  for (const part of text.split(',')) {
    const at = part.lastIndexOf('=');
    const name = part.slice(0, at).trim();
    const type = part.slice(at + 1).trim();
    if (at <= 0 || !name) throw new Error(`${where}: write each column as name=type (got '${part}').`);
    if (!(COLUMN_TYPES as readonly string[]).includes(type))
      throw new Error(`${where}: column '${name}' has type '${type}'; types are ${COLUMN_TYPES.join(', ')}.`);
    out[name] = type as ColumnType;
  }
  return out;
}

/** The read options a project's file reference keeps (unknown or malformed entries named in the error). */
export function fileReadOptions(options: Record<string, unknown>, where: string): FileReadOptions {
  const out: FileReadOptions = {};
  if (options.delimiter !== undefined) out.delimiter = parseDelimiter(String(options.delimiter), `${where}: delimiter`);
  const types = options.columnTypes;
  if (types !== undefined) {
    if (typeof types !== 'object' || types === null || Array.isArray(types))
      throw new Error(`${where}: columnTypes must map column names to types.`);
    out.columnTypes = parseColumnTypes(
      Object.entries(types)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
      `${where}: columnTypes`,
    );
  }
  return out;
}

export interface FileDataOptions {
  target?: string;
  read?: FileReadOptions;
  labelsPath?: string;
  testSplit?: number;
  validationSplit?: number;
  seed?: number;
  load?: LoadTableOptions;
  prepare?: Partial<PrepareOptions>;
  /** How image pixels are scaled (default 'unit': ÷255); other data is standardised per column. */
  pixels?: PixelScaling;
}

/** Load a local file (CSV, JSON, NPY/NPZ, IDX, image folder), prepare and split it. */
export async function loadFileData(
  path: string,
  opts: FileDataOptions,
): Promise<ResolvedData & { prepared: Prepared }> {
  const delimiter = opts.read?.delimiter;
  const table = await loadTable(path, {
    ...opts.load,
    ...(opts.labelsPath ? { labelsPath: opts.labelsPath } : {}),
    ...(delimiter ? { csv: { ...opts.load?.csv, delimiter } } : {}),
  });
  const target = opts.target ?? (table.columns.some((c) => c.name === 'label') ? 'label' : undefined);
  if (!target) {
    throw new Error(
      `${path}: say which column to predict with --target (columns: ${table.columns
        .slice(0, 12)
        .map((c) => c.name)
        .join(', ')}${table.columns.length > 12 ? ', …' : ''}).`,
    );
  }
  const summary = summaryLine(summarize(table, target, opts.read?.columnTypes));
  const prepared = prepare(table, {
    target,
    scaling: 'standard',
    ...(table.image ? { pixels: opts.pixels ?? 'unit' } : {}),
    missing: 'drop',
    split: { validation: opts.validationSplit ?? 0, test: opts.testSplit ?? 0, seed: opts.seed ?? 1, stratify: true },
    ...(opts.read?.columnTypes ? { columnTypes: opts.read.columnTypes } : {}),
    ...opts.prepare,
  });
  return {
    train: prepared.train,
    ...(prepared.validation ? { validation: prepared.validation } : {}),
    ...(prepared.test ? { test: prepared.test } : {}),
    preprocessing: prepared.preprocessing,
    summary,
    prepared,
  };
}

/**
 * A separate test set (e.g. MNIST's own t10k files) for a model trained on `train`: the training
 * data's fitted preprocessing applied to it, or, for built-in data, the file prepared the same way
 * (pixels ÷255, nothing else scaled). Its columns, size and classes must match the training data's.
 */
export async function loadTestData(
  path: string,
  train: { train: Dataset; preprocessing?: Preprocessing | null | undefined },
  opts: { labelsPath?: string; load?: LoadTableOptions } = {},
): Promise<Dataset> {
  const table = await loadTable(path, { ...opts.load, ...(opts.labelsPath ? { labelsPath: opts.labelsPath } : {}) });
  const ref = train.train;
  const pre = train.preprocessing;
  let test: Dataset;
  if (pre) {
    const rows = Uint32Array.from({ length: table.rows }, (_, i) => i);
    test = {
      ...ref,
      name: table.name,
      x: applyPreprocessing(pre, table),
      y: encodeTarget(pre, table, rows).y,
      rows: table.rows,
    };
  } else {
    const target = table.columns.some((c) => c.name === 'label') ? 'label' : table.columns.at(-1)!.name;
    const misfit = (n: number) =>
      new Error(
        `${table.name} has ${n} features per row; the training data has ${ref.features}, so it cannot test this model.`,
      );
    // Columns besides the target (pixels for images): a different count cannot be this model's data.
    const width = table.image ? table.image.columns.length : table.columns.length - 1;
    if (width !== ref.features) throw misfit(width);
    test = prepare(table, {
      target,
      scaling: 'none',
      ...(table.image ? { pixels: 'unit' as const } : {}),
      missing: 'refuse',
      split: { validation: 0, test: 0, seed: 1, stratify: false },
    }).train;
    if (test.features !== ref.features) throw misfit(test.features);
    const same = (a?: string[], b?: string[]) => (a ?? []).join('\u0000') === (b ?? []).join('\u0000');
    if (ref.task !== test.task || (ref.task !== 'regression' && !same(ref.classNames, test.classNames)))
      throw new Error(
        `${table.name} has the classes ${test.classNames?.join(', ') ?? '(none: numbers)'}; the training data has ${ref.classNames?.join(', ') ?? 'numbers'}.`,
      );
    test = { ...test, name: table.name, featureNames: ref.featureNames };
  }
  return test;
}

/** Resolve a project's dataset reference (files loaded with `load`'s limits and options). */
/**
 * How a project's file was prepared, read from the preprocessing fitted and kept with it: the
 * scaling, the missing-value rule and the feature columns chosen in the Data panel (or by
 * `--scaling`), so that training the project again reads the file the same way. Nothing for a
 * project without preprocessing, or for image pixels (their scaling is kept in the file reference).
 */
export function preparedAs(pre: unknown): Partial<PrepareOptions> {
  if (!pre || typeof pre !== 'object') return {};
  const p = pre as Partial<Preprocessing>;
  if (p.imageShape || p.sampleShape || p.pixels) return {};
  const out: Partial<PrepareOptions> = {};
  if (p.scaling === 'standard' || p.scaling === 'minmax' || p.scaling === 'none') out.scaling = p.scaling;
  if (p.missing === 'drop' || p.missing === 'impute' || p.missing === 'refuse') out.missing = p.missing;
  if (Array.isArray(p.inputs) && p.inputs.length && p.inputs.every((i) => typeof i?.column === 'string'))
    out.features = p.inputs.map((i) => i.column);
  return out;
}

/**
 * The data of a project's dataset reference. `preprocessing`: the project's fitted preprocessing,
 * whose choices a file is read with again (see `preparedAs`); `overrides` go over them.
 */
export async function resolveDatasetRef(
  ref: DatasetRef,
  seed = 1,
  load?: LoadTableOptions,
  preprocessing?: unknown,
  overrides?: Partial<PrepareOptions>,
): Promise<ResolvedData> {
  switch (ref.kind) {
    case 'builtin':
      return loadBuiltin(ref.id, ref.params);
    case 'file':
      return loadFileData(ref.path, {
        prepare: { ...preparedAs(preprocessing), ...overrides },
        read: fileReadOptions(ref.options, ref.path),
        // The pixel scaling the app trained with (kept with the file reference), else ÷255.
        ...((PIXEL_SCALINGS as readonly unknown[]).includes(ref.options.pixels)
          ? { pixels: ref.options.pixels as PixelScaling }
          : {}),
        ...(ref.target ? { target: ref.target } : {}),
        ...(ref.labelsPath ? { labelsPath: ref.labelsPath } : {}),
        ...(load ? { load } : {}),
        seed,
      });
    case 'none':
      throw new Error('The project has no dataset: choose a built-in dataset or pass --data FILE.');
  }
}
