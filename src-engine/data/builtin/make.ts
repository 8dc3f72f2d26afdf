/** Helpers that turn float64 generator output into the engine's float32 `Dataset`. */
import type { Dataset } from '../dataset.ts';

/** Generator output before conversion: float64 features, integer class labels or float64 targets. */
export interface RawClassification {
  /** Row-major rows × features. */
  x: Float64Array;
  /** Class index per row (0-based). */
  labels: Int32Array;
  rows: number;
  features: number;
}

export interface RawRegression {
  x: Float64Array;
  /** Row-major rows × targets. */
  y: Float64Array;
  rows: number;
  features: number;
  targets: number;
}

/** `x1`, `x2`, ... like the articles' $x_1$, $x_2$. */
export function defaultFeatureNames(features: number): string[] {
  return Array.from({ length: features }, (_, i) => `x${i + 1}`);
}

/** A binary dataset: one 0/1 target column; `classNames` = [negative, positive]. */
export function binaryDataset(
  name: string,
  raw: RawClassification,
  classNames: [string, string] = ['0', '1'],
  featureNames = defaultFeatureNames(raw.features),
): Dataset {
  const y = new Float32Array(raw.rows);
  for (let r = 0; r < raw.rows; r++) {
    const l = raw.labels[r]!;
    if (l !== 0 && l !== 1) throw new RangeError(`${name}: binary label ${l} at row ${r}`);
    y[r] = l;
  }
  return {
    name,
    x: new Float32Array(raw.x),
    y,
    rows: raw.rows,
    features: raw.features,
    targets: 1,
    task: 'binary',
    featureNames,
    classNames: [...classNames],
  };
}

/** A multiclass dataset: one-hot targets, one column per class in `classNames` order. */
export function multiclassDataset(
  name: string,
  raw: RawClassification,
  classNames: string[],
  featureNames = defaultFeatureNames(raw.features),
): Dataset {
  const k = classNames.length;
  const y = new Float32Array(raw.rows * k);
  for (let r = 0; r < raw.rows; r++) {
    const l = raw.labels[r]!;
    if (!(l >= 0 && l < k)) throw new RangeError(`${name}: class ${l} at row ${r} outside 0..${k - 1}`);
    y[r * k + l] = 1;
  }
  return {
    name,
    x: new Float32Array(raw.x),
    y,
    rows: raw.rows,
    features: raw.features,
    targets: k,
    task: 'multiclass',
    featureNames,
    classNames: [...classNames],
  };
}

/** A regression dataset. */
export function regressionDataset(
  name: string,
  raw: RawRegression,
  targetNames: string[],
  featureNames = defaultFeatureNames(raw.features),
): Dataset {
  return {
    name,
    x: new Float32Array(raw.x),
    y: new Float32Array(raw.y),
    rows: raw.rows,
    features: raw.features,
    targets: raw.targets,
    task: 'regression',
    featureNames,
    targetNames: [...targetNames],
  };
}

/** `np.linspace(start, stop, num)` (endpoint=True) exactly as NumPy computes it. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * `np.arange(start, stop, step)` for float arguments as NumPy fills it: `ceil((stop - start) / step)`
 * values, the first two `start` and `start + step`, then `start + i * delta` with
 * `delta = (start + step) - start` (NumPy's `DOUBLE_fill`).
 */
export function arange(start: number, stop: number, step: number): Float64Array {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = start;
  if (n === 1) return out;
  out[1] = start + step;
  const delta = out[1]! - start;
  for (let i = 2; i < n; i++) out[i] = start + i * delta;
  return out;
}
