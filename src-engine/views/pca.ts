/**
 * A small deterministic PCA: the covariance of the rows, then the leading eigenvectors by power
 * iteration with deflation. The start vectors are fixed (or drawn from a seeded Rng) and each axis's
 * sign is normalised, so the same data gives the same axes every time (a live view does not flip
 * between epochs).
 */
import type { Rng } from '../tensor/rng.ts';

export interface Pca {
  /** Column means (cols). */
  mean: Float64Array;
  /** Principal axes, row-major k × cols, orthonormal, sorted by decreasing variance. */
  axes: Float64Array;
  /** Variance along each axis (k). */
  variance: Float64Array;
  /** Total variance (trace of the covariance), for explained-variance ratios. */
  totalVariance: number;
}

/** Covariance matrix (cols × cols, population) and column means of a row-major matrix. */
export function covariance(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(cols);
  for (let r = 0, o = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += x[o++]!;
  for (let c = 0; c < cols; c++) mean[c] /= Math.max(1, rows);
  const cov = new Float64Array(cols * cols);
  const d = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) d[c] = x[o + c]! - mean[c]!;
    for (let a = 0; a < cols; a++) {
      const da = d[a]!;
      if (da === 0) continue;
      const row = a * cols;
      for (let b = a; b < cols; b++) cov[row + b] += da * d[b]!;
    }
  }
  const n = Math.max(1, rows);
  for (let a = 0; a < cols; a++) {
    for (let b = a; b < cols; b++) {
      const v = cov[a * cols + b]! / n;
      cov[a * cols + b] = v;
      cov[b * cols + a] = v;
    }
  }
  return { mean, cov };
}

/** The first k principal axes of the rows of x (rows × cols), by power iteration on the covariance. */
export function pca(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  k: number,
  opts: { iterations?: number; tolerance?: number; rng?: Rng } = {},
): Pca {
  const kk = Math.min(k, cols);
  const { mean, cov } = covariance(x, rows, cols);
  let total = 0;
  for (let c = 0; c < cols; c++) total += cov[c * cols + c]!;
  const axes = new Float64Array(kk * cols);
  const variance = new Float64Array(kk);
  const iterations = opts.iterations ?? 300;
  const tol = opts.tolerance ?? 1e-20;
  const v = new Float64Array(cols);
  const w = new Float64Array(cols);
  for (let a = 0; a < kk; a++) {
    // A start with every component non-zero and distinct, so it is unlikely to be orthogonal to any axis:
    // fixed, or drawn from the seeded generator when one is given.
    for (let c = 0; c < cols; c++)
      v[c] = opts.rng ? opts.rng.normal() : 1 + (c + 1) / (cols + 1) + 0.1 * a * (c % 2 ? 1 : -1);
    orthogonalise(v, axes, a, cols);
    normalise(v);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      for (let r = 0; r < cols; r++) {
        let s = 0;
        const row = r * cols;
        for (let c = 0; c < cols; c++) s += cov[row + c]! * v[c]!;
        w[r] = s;
      }
      // Deflate by projecting out the axes already found (keeps round-off from creeping back in).
      orthogonalise(w, axes, a, cols);
      const norm = normalise(w);
      if (norm === 0) {
        // The remaining variance is zero: any unit vector orthogonal to the found axes will do.
        for (let c = 0; c < cols; c++) w[c] = c === a ? 1 : 0;
        orthogonalise(w, axes, a, cols);
        normalise(w);
        lambda = 0;
        v.set(w);
        break;
      }
      let diff = 0;
      for (let c = 0; c < cols; c++) diff += (w[c]! - v[c]!) ** 2;
      v.set(w);
      lambda = norm;
      if (diff < tol) break;
    }
    // Sign convention: the largest component is positive.
    let big = 0;
    for (let c = 1; c < cols; c++) if (Math.abs(v[c]!) > Math.abs(v[big]!)) big = c;
    const sign = v[big]! < 0 ? -1 : 1;
    for (let c = 0; c < cols; c++) axes[a * cols + c] = sign * v[c]!;
    variance[a] = lambda;
  }
  return { mean, axes, variance, totalVariance: total };
}

/** Coordinates of every row on the axes: (x - mean) · axes^T, rows × k, as float32. */
export function projectRows(x: ArrayLike<number>, rows: number, cols: number, p: Pca): Float32Array {
  const k = p.variance.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let a = 0; a < k; a++) {
      let s = 0;
      const ax = a * cols;
      for (let c = 0; c < cols; c++) s += (x[o + c]! - p.mean[c]!) * p.axes[ax + c]!;
      out[r * k + a] = s;
    }
  }
  return out;
}

function orthogonalise(v: Float64Array, axes: Float64Array, count: number, cols: number): void {
  for (let b = 0; b < count; b++) {
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += v[c]! * axes[b * cols + c]!;
    for (let c = 0; c < cols; c++) v[c] -= dot * axes[b * cols + c]!;
  }
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let c = 0; c < v.length; c++) s += v[c]! * v[c]!;
  const n = Math.sqrt(s);
  if (n === 0 || !Number.isFinite(n)) return 0;
  for (let c = 0; c < v.length; c++) v[c] /= n;
  return n;
}
