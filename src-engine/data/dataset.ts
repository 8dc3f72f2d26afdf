/** The in-memory form of a dataset that the trainer consumes: dense float32 rows. */

export type Task = 'binary' | 'multiclass' | 'regression';

export interface Dataset {
  /** Human-readable name (file name or built-in id). */
  name: string;
  /** Features, row-major: rows × features. */
  x: Float32Array;
  /**
   * Targets, row-major: rows × targets. Binary: one column of 0/1. Multiclass: one-hot, one column
   * per class. Regression: one column per predicted value.
   */
  y: Float32Array;
  rows: number;
  features: number;
  targets: number;
  task: Task;
  featureNames: string[];
  /** Class names for classification, in the order of the one-hot columns (binary: [neg, pos]). */
  classNames?: string[];
  /** Target column names for regression. */
  targetNames?: string[];
  /**
   * Per-row shape [channels, height, width] when each row is an image: the features are its pixels
   * channel by channel, row by row (what an image Input and its convolutions read).
   */
  sampleShape?: [number, number, number];
  /**
   * Regression: `y` holds standardised targets, `raw = mean + std * y` (see ./target-scale.ts); the
   * network's outputs are in the same standardised units.
   */
  targetScale?: { mean: number; std: number };
  /**
   * Per feature, how its standardised values read in the data's own units: `raw = offset + x / scale`
   * (from the fitted preprocessing; absent when the features are the data's values). The views draw
   * their axes in these units.
   */
  featureUnits?: { offset: number; scale: number }[];
}

/** Class index of each row (argmax of one-hot, or 0/1 threshold for binary). */
export function classLabels(ds: Dataset): Int32Array {
  const out = new Int32Array(ds.rows);
  if (ds.task === 'binary') {
    for (let r = 0; r < ds.rows; r++) out[r] = ds.y[r * ds.targets]! >= 0.5 ? 1 : 0;
  } else if (ds.task === 'multiclass') {
    const t = ds.targets;
    for (let r = 0; r < ds.rows; r++) {
      let best = 0;
      for (let j = 1; j < t; j++) if (ds.y[r * t + j]! > ds.y[r * t + best]!) best = j;
      out[r] = best;
    }
  }
  return out;
}

/** Rows `idx` of a dataset as a new dataset (used for splits). */
export function takeRows(ds: Dataset, idx: ArrayLike<number>, name = ds.name): Dataset {
  const n = idx.length;
  const x = new Float32Array(n * ds.features);
  const y = new Float32Array(n * ds.targets);
  for (let i = 0; i < n; i++) {
    const r = idx[i]!;
    x.set(ds.x.subarray(r * ds.features, (r + 1) * ds.features), i * ds.features);
    y.set(ds.y.subarray(r * ds.targets, (r + 1) * ds.targets), i * ds.targets);
  }
  return { ...ds, name, x, y, rows: n };
}
