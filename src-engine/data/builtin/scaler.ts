/**
 * sklearn's `StandardScaler().fit_transform(X)` on float64 data: per-column mean and *population*
 * standard deviation (ddof = 0), computed in the same order of operations as sklearn's
 * `_incremental_mean_and_var` (column sums row by row, then the corrected two-pass variance
 * `(sum((x - mean)^2) - sum(x - mean)^2 / n) / n`), so results match Python to the last bit or nearly.
 * Constant columns get scale 1, as sklearn's `_is_constant_feature` / `_handle_zeros_in_scale` do.
 */

export interface StandardScalerFit {
  mean: Float64Array;
  /** Population variance per column. */
  variance: Float64Array;
  /** The divisor applied: sqrt(variance), or 1 for constant columns. */
  scale: Float64Array;
}

/** Fit the scaler on a row-major `rows × cols` float64 matrix. */
export function fitStandardScaler(x: ArrayLike<number>, rows: number, cols: number): StandardScalerFit {
  if (rows <= 0) throw new RangeError('StandardScaler: no rows to fit');
  const sum = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) sum[c] = sum[c]! + x[o + c]!;
  }
  const mean = new Float64Array(cols);
  for (let c = 0; c < cols; c++) mean[c] = sum[c]! / rows;
  const corr = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const t = x[o + c]! - mean[c]!;
      corr[c] = corr[c]! + t;
      sq[c] = sq[c]! + t * t;
    }
  }
  const variance = new Float64Array(cols);
  const scale = new Float64Array(cols);
  const eps = Number.EPSILON;
  for (let c = 0; c < cols; c++) {
    const v = (sq[c]! - (corr[c]! * corr[c]!) / rows) / rows;
    variance[c] = v;
    const bound = rows * eps * v + (rows * mean[c]! * eps) ** 2;
    scale[c] = v <= bound ? 1 : Math.sqrt(v);
  }
  return { mean, variance, scale };
}

/** Apply a fitted scaler in place: `x = (x - mean) / scale`. */
export function applyStandardScaler(x: Float64Array, rows: number, cols: number, fit: StandardScalerFit): Float64Array {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) x[o + c] = (x[o + c]! - fit.mean[c]!) / fit.scale[c]!;
  }
  return x;
}

/** `StandardScaler().fit_transform(X)` in place; returns the fit. */
export function standardScaleInPlace(x: Float64Array, rows: number, cols: number): StandardScalerFit {
  const fit = fitStandardScaler(x, rows, cols);
  applyStandardScaler(x, rows, cols, fit);
  return fit;
}
