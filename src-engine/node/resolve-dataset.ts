/** Turns a project's dataset reference (built-in id or file) into Datasets, in Node. */
import {
  builtinDatasets,
  getBuiltinDataset,
  getBuiltinDatasetInfo,
  getBuiltinTestDataset,
} from '../data/builtin/index.ts';
import type { BuiltinDatasetItem } from '../protocol/training.ts';
import type { Dataset } from '../data/dataset.ts';
import { prepare, type PrepareOptions, type Prepared } from '../data/prepare.ts';
import type { Preprocessing } from '../data/preprocess.ts';
import { summarize, summaryLine } from '../data/summary.ts';
import type { DatasetRef } from '../project/project.ts';
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
  description: 'Real 28×28 handwritten digits from the MNIST set: 784 pixel features, 10 classes.',
  task: 'multiclass',
  params: [{ name: 'count', type: 'int', default: 5000, min: 10, max: 10000, description: 'How many digits to load.' }],
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
    const ds = await loadDigits({ count, seed: typeof params.seed === 'number' ? params.seed : 1 });
    return { train: ds, summary: `digits: ${ds.rows} MNIST digits, 784 pixel features, 10 classes` };
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

export interface FileDataOptions {
  target?: string;
  labelsPath?: string;
  testSplit?: number;
  validationSplit?: number;
  seed?: number;
  load?: LoadTableOptions;
  prepare?: Partial<PrepareOptions>;
}

/** Load a local file (CSV, JSON, NPY/NPZ, IDX, image folder), prepare and split it. */
export async function loadFileData(
  path: string,
  opts: FileDataOptions,
): Promise<ResolvedData & { prepared: Prepared }> {
  const table = await loadTable(path, { ...opts.load, ...(opts.labelsPath ? { labelsPath: opts.labelsPath } : {}) });
  const target = opts.target ?? (table.columns.some((c) => c.name === 'label') ? 'label' : undefined);
  if (!target) {
    throw new Error(
      `${path}: say which column to predict with --target (columns: ${table.columns
        .slice(0, 12)
        .map((c) => c.name)
        .join(', ')}${table.columns.length > 12 ? ', …' : ''}).`,
    );
  }
  const summary = summaryLine(summarize(table, target));
  const prepared = prepare(table, {
    target,
    scaling: 'standard',
    missing: 'drop',
    split: { validation: opts.validationSplit ?? 0, test: opts.testSplit ?? 0, seed: opts.seed ?? 1, stratify: true },
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

/** Resolve a project's dataset reference (files loaded with `load`'s limits and options). */
export async function resolveDatasetRef(ref: DatasetRef, seed = 1, load?: LoadTableOptions): Promise<ResolvedData> {
  switch (ref.kind) {
    case 'builtin':
      return loadBuiltin(ref.id, ref.params);
    case 'file':
      return loadFileData(ref.path, {
        ...(ref.target ? { target: ref.target } : {}),
        ...(ref.labelsPath ? { labelsPath: ref.labelsPath } : {}),
        ...(load ? { load } : {}),
        seed,
      });
    case 'none':
      throw new Error('The project has no dataset: choose a built-in dataset or pass --data FILE.');
  }
}
