/** The features' units (see Dataset.featureUnits), or null when no column was rescaled or the rows are images. */
export function featureUnits(pre: Preprocessing): { offset: number; scale: number }[] | null {
  if (pre.sampleShape || pre.imageShape || pre.pixels) return null;
  const out: { offset: number; scale: number }[] = [];
  for (const t of pre.inputs) {
    if (t.kind === 'numeric') out.push({ offset: t.offset, scale: t.scale });
    else for (let k = 0; k < transformWidth(t); k++) out.push({ offset: 0, scale: 1 });
  }
  if (out.length !== pre.featureNames.length) return null;
  return out.some((u) => u.offset !== 0 || u.scale !== 1) ? out : null;
}

/**
 * From a RawTable to Datasets the trainer consumes: choose target and features, infer the task,
 * handle missing values, split, and fit preprocessing on the training rows only.
 */
import { type ColumnType, inferColumnTypes } from './columns.ts';
import type { Dataset, Task } from './dataset.ts';
import { DataError } from './errors.ts';
import { chwColumns, fitPreprocessing } from './fit.ts';
import {
  type MissingPolicy,
  type PixelScaling,
  type Preprocessing,
  type Scaling,
  applyPreprocessing,
  encodeTarget,
  transformWidth,
} from './preprocess.ts';
import { type SplitSpec, splitIndices } from './split.ts';
import { type RawColumn, type RawTable, findColumn, sourceLine } from './table.ts';
import { targetClasses } from './target.ts';
import { targetScaleOf } from './target-scale.ts';

export interface PrepareOptions {
  target: string;
  /**
   * Feature columns; default: every other column that is not free text, or for images (IDX, image
   * folders, N-d NPY) their pixels channel by channel, row by row.
   */
  features?: string[];
  /** Override the inferred task. */
  task?: Task;
  /** Override inferred column types. */
  columnTypes?: Record<string, ColumnType>;
  scaling: Scaling;
  /** For images: scale the pixels per image ('unit': ÷255, 'channel': standardised per channel) instead of per column. */
  pixels?: PixelScaling;
  missing: MissingPolicy;
  split: SplitSpec;
}

export interface Prepared {
  train: Dataset;
  validation?: Dataset;
  test?: Dataset;
  preprocessing: Preprocessing;
  /** Table rows (0-based) in each part, for reports and k-fold reuse. */
  rows: { train: Uint32Array; validation: Uint32Array; test: Uint32Array };
  /** Rows dropped for missing values (missing 'drop', or a missing target). */
  dropped: number;
}

function isMissing(col: RawColumn, r: number): boolean {
  return col.kind === 'numeric' ? col.values[r] !== col.values[r] : col.codes[r]! < 0;
}

/** Prepares train/validation/test Datasets and the fitted Preprocessing from a table. */
export function prepare(table: RawTable, options: PrepareOptions): Prepared {
  const file = table.name;
  const names = table.columns.map((c) => c.name);
  const unknown = (column: string, what: string): DataError =>
    new DataError({
      code: 'unknown-column',
      file,
      column,
      problem: `there is no ${what} column with this name`,
      hint: `Choose one of: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`,
    });
  const targetCol = findColumn(table, options.target);
  if (!targetCol) throw unknown(options.target, 'target');
  const types = inferColumnTypes(table, options.columnTypes);
  const features =
    options.features ??
    (table.image ? chwColumns(table.image) : names.filter((n) => n !== options.target && types[n] !== 'text'));
  for (const f of features) if (!findColumn(table, f)) throw unknown(f, 'feature');
  if (features.includes(options.target)) {
    throw new DataError({
      code: 'bad-format',
      file,
      column: options.target,
      problem: 'the target is also listed as a feature',
      hint: 'Remove the target from the features',
    });
  }
  if (features.length === 0)
    throw new DataError({
      code: 'no-features',
      file,
      problem: 'there are no feature columns left besides the target',
      hint: 'Choose feature columns, or mark text columns as categorical',
    });
  const featureCols = features.map((f) => findColumn(table, f)!);

  // Rows kept: a missing target is never usable; missing features depend on the policy. Scanned
  // column by column (tables can have hundreds of columns and a million rows).
  const used = [targetCol, ...featureCols];
  const drop = new Uint8Array(table.rows);
  let first: { row: number; col: number } | null = null;
  used.forEach((col, ci) => {
    if (options.missing === 'drop' || ci === 0 || options.missing === 'refuse') {
      for (let r = 0; r < table.rows; r++) {
        if (!isMissing(col, r)) continue;
        drop[r] = 1;
        if (first === null || r < first.row) first = { row: r, col: ci };
        if (options.missing === 'refuse') break;
      }
    }
  });
  if (options.missing === 'refuse' && first !== null) {
    const { row, col } = first as { row: number; col: number };
    throw new DataError({
      code: 'missing-values',
      file,
      row: sourceLine(table, row),
      column: used[col]!.name,
      problem: 'this cell is missing',
      hint: 'Fill it in, or choose to drop rows with missing values or to impute them',
    });
  }
  const keep: number[] = [];
  for (let r = 0; r < table.rows; r++) if (drop[r] === 0) keep.push(r);
  if (keep.length === 0)
    throw new DataError({
      code: 'missing-values',
      file,
      problem: 'no rows are left after dropping rows with missing values',
      hint: 'Impute missing values instead of dropping rows',
    });

  const target = targetClasses(table, targetCol, types[targetCol.name]!, keep, options.task);
  const kept = Uint32Array.from(keep);
  let labels: Int32Array | undefined;
  if (target.task !== 'regression')
    labels = encodeTarget(
      { version: 1, scaling: 'none', missing: 'drop', inputs: [], featureNames: [], target },
      table,
      kept,
    ).labels;
  const parts = splitIndices(kept.length, options.split, labels);
  const toRows = (idx: Uint32Array): Uint32Array => idx.map((i) => kept[i]!);
  const rows = { train: toRows(parts.train), validation: toRows(parts.validation), test: toRows(parts.test) };
  if (rows.train.length === 0)
    throw new DataError({
      code: 'header-only',
      file,
      problem: 'the training split is empty',
      hint: 'Use smaller validation/test fractions or more rows',
    });

  const preprocessing = fitPreprocessing(
    table,
    rows.train,
    features,
    types,
    options.scaling,
    options.missing,
    target,
    options.pixels,
  );
  const build = (idx: Uint32Array, part: string): Dataset => {
    const { y } = encodeTarget(preprocessing, table, idx);
    const ds: Dataset = {
      name: part === 'train' ? table.name : `${table.name} (${part})`,
      x: applyPreprocessing(preprocessing, table, idx),
      y,
      rows: idx.length,
      features: preprocessing.featureNames.length,
      targets: target.task === 'multiclass' ? target.classNames.length : 1,
      task: target.task,
      featureNames: preprocessing.featureNames,
    };
    if (preprocessing.sampleShape) ds.sampleShape = preprocessing.sampleShape;
    const units = featureUnits(preprocessing);
    if (units) ds.featureUnits = units;
    if (target.task === 'regression') {
      ds.targetNames = [target.column];
      const scale = targetScaleOf(preprocessing);
      if (scale) ds.targetScale = scale;
    } else ds.classNames = target.classNames;
    return ds;
  };
  const out: Prepared = { train: build(rows.train, 'train'), preprocessing, rows, dropped: table.rows - keep.length };
  if (rows.validation.length > 0) out.validation = build(rows.validation, 'validation');
  if (rows.test.length > 0) out.test = build(rows.test, 'test');
  return out;
}
