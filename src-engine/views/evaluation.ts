/**
 * Evaluation after or during training: the confusion matrix, per-class precision, recall and F1,
 * regression errors, and a predictions table (the from-scratch article's final outputs next to the
 * targets). Undefined ratios (no rows predicted as a class, no rows of it) are null, not NaN.
 */
import { classify, type DecisionRule } from '../losses/index.ts';
import type { Dataset, Task } from '../data/dataset.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import { ViewError, type ViewSource } from './source.ts';

export interface ConfusionMatrix {
  classes: string[];
  /** Counts, row-major k × k: row = true class, column = predicted class. */
  counts: Int32Array;
  total: number;
}

export interface ClassScores {
  class: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Rows whose true class this is. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
}

export interface ClassificationReport {
  accuracy: number | null;
  perClass: ClassScores[];
  /** Unweighted means over the classes where the score is defined. */
  macro: { precision: number | null; recall: number | null; f1: number | null };
  /** Means weighted by support. */
  weighted: { precision: number | null; recall: number | null; f1: number | null };
}

export interface RegressionReport {
  mse: number;
  rmse: number;
  mae: number;
  /** 1 - SSE / SST over all target columns; null when the targets are constant. */
  r2: number | null;
}

/** Class of each row under a decision rule (default: 0/1 targets at 0.5, one-hot rows by argmax). */
export function classesOf(v: ArrayLike<number>, rows: number, cols: number, rule?: DecisionRule): Int32Array {
  return classify(v, rows, cols, rule ?? (cols === 1 ? { kind: 'threshold', at: 0.5 } : { kind: 'argmax' }));
}

/**
 * The confusion matrix of predictions `pred` (rows × cols: one probability column for binary, one
 * per class for multiclass) against targets `y` in the dataset's encoding (0/1, or one-hot).
 */
export function confusionMatrix(
  pred: ArrayLike<number>,
  y: ArrayLike<number>,
  task: Task,
  classes: number | string[],
  rule?: DecisionRule,
): ConfusionMatrix {
  if (task === 'regression')
    throw new ViewError(
      'A confusion matrix needs a classification task; this one is regression (use regressionReport).',
    );
  const names = typeof classes === 'number' ? Array.from({ length: classes }, (_, i) => String(i)) : [...classes];
  const k = names.length;
  if (task === 'binary' && k !== 2) throw new ViewError(`A binary task has two classes; got ${k} class names.`);
  const cols = task === 'binary' ? 1 : k;
  if (pred.length !== y.length)
    throw new ViewError(`Predictions have ${pred.length} values but targets have ${y.length}.`);
  if (pred.length % cols !== 0)
    throw new ViewError(`Predictions have ${pred.length} values, not a multiple of ${cols} columns.`);
  const rows = pred.length / cols;
  const p = classesOf(pred, rows, cols, rule);
  const t = classesOf(y, rows, cols);
  const counts = new Int32Array(k * k);
  for (let r = 0; r < rows; r++) counts[t[r]! * k + p[r]!]++;
  return { classes: names, counts, total: rows };
}

/** Accuracy and per-class precision, recall and F1 from a confusion matrix. */
export function classificationReport(cm: ConfusionMatrix): ClassificationReport {
  const k = cm.classes.length;
  const { counts } = cm;
  let correct = 0;
  const perClass: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    correct += counts[c * k + c]!;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += counts[c * k + j]!;
      predicted += counts[j * k + c]!;
    }
    const tp = counts[c * k + c]!;
    const precision = predicted ? tp / predicted : null;
    const recall = support ? tp / support : null;
    const f1 =
      precision !== null && recall !== null
        ? precision + recall > 0
          ? (2 * precision * recall) / (precision + recall)
          : 0
        : null;
    perClass.push({ class: cm.classes[c]!, precision, recall, f1, support, predicted });
  }
  const mean = (key: 'precision' | 'recall' | 'f1', weighted: boolean) => {
    let s = 0;
    let wsum = 0;
    for (const pc of perClass) {
      const v = pc[key];
      if (v === null) continue;
      const w = weighted ? pc.support : 1;
      s += w * v;
      wsum += w;
    }
    return wsum > 0 ? s / wsum : null;
  };
  return {
    accuracy: cm.total ? correct / cm.total : null,
    perClass,
    macro: { precision: mean('precision', false), recall: mean('recall', false), f1: mean('f1', false) },
    weighted: { precision: mean('precision', true), recall: mean('recall', true), f1: mean('f1', true) },
  };
}

/** MSE, RMSE, MAE and R² over all target values. */
export function regressionReport(pred: ArrayLike<number>, y: ArrayLike<number>): RegressionReport {
  if (pred.length !== y.length)
    throw new ViewError(`Predictions have ${pred.length} values but targets have ${y.length}.`);
  const n = y.length;
  if (n === 0) throw new ViewError('No rows to evaluate.');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let sse = 0,
    sae = 0,
    sst = 0;
  for (let i = 0; i < n; i++) {
    const d = pred[i]! - y[i]!;
    sse += d * d;
    sae += Math.abs(d);
    sst += (y[i]! - mean) ** 2;
  }
  return { mse: sse / n, rmse: Math.sqrt(sse / n), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : null };
}

export interface PredictionRow {
  /** Row index in the dataset. */
  index: number;
  inputs: number[];
  target: number[];
  output: number[];
  /** Classification: true and predicted class (index and name), and whether they agree. */
  actual?: number;
  predicted?: number;
  actualName?: string;
  predictedName?: string;
  correct?: boolean;
  /** Regression: output - target per column. */
  error?: number[];
}

export interface PredictionsTable {
  featureNames: string[];
  /** Class names (classification) or target column names (regression). */
  targetNames: string[];
  /** Rows in the dataset. */
  totalRows: number;
  rows: PredictionRow[];
}

/** A table of inputs, targets and outputs for some rows (default: the first 20; or `rows` indices). */
export function predictionsTable(
  ds: Dataset,
  pred: ArrayLike<number>,
  opts: { rows?: number | ArrayLike<number>; start?: number; maxInputs?: number; rule?: DecisionRule } = {},
): PredictionsTable {
  const T = ds.targets;
  const F = ds.features;
  if (pred.length !== ds.rows * T)
    throw new ViewError(
      `Predictions have ${pred.length} values; '${ds.name}' needs ${ds.rows} rows × ${T} outputs = ${ds.rows * T}.`,
    );
  let idx: number[];
  if (opts.rows === undefined || typeof opts.rows === 'number') {
    const start = opts.start ?? 0;
    const count = opts.rows ?? 20;
    idx = [];
    for (let r = start; r < Math.min(ds.rows, start + count); r++) idx.push(r);
  } else idx = Array.from(opts.rows);
  // Images have hundreds of inputs: show only the first few.
  const maxInputs = Math.min(F, opts.maxInputs ?? 16);
  const classNames =
    ds.classNames ?? (ds.task === 'binary' ? ['0', '1'] : Array.from({ length: T }, (_, i) => String(i)));
  const rows = idx.map((r) => {
    if (!Number.isInteger(r) || r < 0 || r >= ds.rows)
      throw new ViewError(`Row ${r} is out of range: '${ds.name}' has ${ds.rows} rows.`);
    const row: PredictionRow = {
      index: r,
      inputs: Array.from(ds.x.subarray(r * F, r * F + maxInputs)),
      target: Array.from(ds.y.subarray(r * T, (r + 1) * T)),
      output: Array.from({ length: T }, (_, c) => pred[r * T + c]!),
    };
    if (ds.task === 'regression') row.error = row.output.map((o, c) => o - row.target[c]!);
    else {
      const a = classesOf(row.target, 1, T)[0]!;
      const p = classesOf(row.output, 1, T, opts.rule)[0]!;
      Object.assign(row, {
        actual: a,
        predicted: p,
        actualName: classNames[a],
        predictedName: classNames[p],
        correct: a === p,
      });
    }
    return row;
  });
  return {
    featureNames: ds.featureNames.slice(0, maxInputs),
    targetNames:
      ds.task === 'regression' ? (ds.targetNames ?? Array.from({ length: T }, (_, i) => `y${i + 1}`)) : classNames,
    totalRows: ds.rows,
    rows,
  };
}

export interface Evaluation {
  task: Task;
  rows: number;
  pred: FloatArray;
  confusion: ConfusionMatrix | null;
  report: ClassificationReport | null;
  regression: RegressionReport | null;
}

/** Predict every row of `ds` and compute the matching metrics. */
export function evaluateModel(source: ViewSource, ds: Dataset): Evaluation {
  const fwd = source.forward;
  if (ds.features !== fwd.features)
    throw new ViewError(`The data '${ds.name}' has ${ds.features} features but the model takes ${fwd.features}.`);
  if (ds.targets !== fwd.targets)
    throw new ViewError(
      `The data '${ds.name}' has ${ds.targets} target columns but the model has ${fwd.targets} outputs.`,
    );
  const pred = source.runForward(ds.x, ds.rows, [fwd.pred])[0]!;
  if (ds.task === 'regression')
    return {
      task: ds.task,
      rows: ds.rows,
      pred,
      confusion: null,
      report: null,
      regression: regressionReport(pred, ds.y),
    };
  const confusion = confusionMatrix(
    pred,
    ds.y,
    ds.task,
    ds.classNames ?? (ds.task === 'binary' ? 2 : ds.targets),
    fwd.decision,
  );
  return { task: ds.task, rows: ds.rows, pred, confusion, report: classificationReport(confusion), regression: null };
}
