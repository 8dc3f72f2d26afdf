/**
 * Classic 2-D toy datasets with `n`, `noise` and `seed`, drawn from `NumpyRandomState` so each recipe
 * has a NumPy twin (in scripts/numpy-reference.py; keep the two in sync). Classes are interleaved
 * (row i belongs to class i mod k for circle / spirals / blobs) so any contiguous slice is balanced.
 * All draws are made for every setting (also noise = 0), so `noise` never shifts the random stream.
 */
import type { Dataset } from '../dataset.ts';
import { binaryDataset, multiclassDataset, type RawClassification } from './make.ts';
import { NumpyRandomState } from './numpy-random.ts';

/**
 * Two rings: even rows inside (class "inside" = 1, radius in [0, 0.5)), odd rows outside (class 0,
 * radius in [0.7, 1.0)), angle uniform; plus `noise * N(0, 1)` on both coordinates.
 * NumPy: `u = random_sample(n); theta = uniform(0, 2π, n); noise * randn(n, 2)`.
 */
export function circleRaw(n = 200, noise = 0.1, seed = 0): RawClassification {
  const rs = new NumpyRandomState(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 2 === 0 ? 1 : 0;
  const u = rs.randomSampleArray(n);
  const theta = rs.uniformArray(0, 2 * Math.PI, n);
  const e = rs.randn(n * 2);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const r = labels[i] === 1 ? 0.5 * u[i]! : 0.7 + 0.3 * u[i]!;
    x[2 * i] = r * Math.cos(theta[i]!) + noise * e[2 * i]!;
    x[2 * i + 1] = r * Math.sin(theta[i]!) + noise * e[2 * i + 1]!;
  }
  return { x, labels, rows: n, features: 2 };
}

export function circle(n = 200, noise = 0.1, seed = 0): Dataset {
  return binaryDataset('circle', circleRaw(n, noise, seed), ['outside', 'inside']);
}

/**
 * XOR of quadrants: points uniform in [-1, 1)^2, class 1 where the two coordinates have different
 * signs (quadrants II and IV), then `noise * N(0, 1)` added (labels keep the clean positions).
 */
export function xorQuadrantsRaw(n = 200, noise = 0.1, seed = 0): RawClassification {
  const rs = new NumpyRandomState(seed);
  const p = rs.uniformArray(-1, 1, n * 2);
  const e = rs.randn(n * 2);
  const labels = new Int32Array(n);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = p[2 * i]!;
    const b = p[2 * i + 1]!;
    labels[i] = a > 0 !== b > 0 ? 1 : 0;
    x[2 * i] = a + noise * e[2 * i]!;
    x[2 * i + 1] = b + noise * e[2 * i + 1]!;
  }
  return { x, labels, rows: n, features: 2 };
}

export function xorQuadrants(n = 200, noise = 0.1, seed = 0): Dataset {
  return binaryDataset('xor-quadrants', xorQuadrantsRaw(n, noise, seed));
}

/**
 * Two interleaved spirals of `turns` turns each (class = row mod 2, the second arm rotated by π);
 * position along the arm `t = sqrt(u)` (radius t in [0, 1)), angle `t * turns * 2π + π * class`,
 * plus `noise * N(0, 1)`.
 */
export function twoSpiralsRaw(n = 300, noise = 0.05, turns = 1.5, seed = 0, radius = 1): RawClassification {
  const rs = new NumpyRandomState(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 2;
  const u = rs.randomSampleArray(n);
  const e = rs.randn(n * 2);
  const w = turns * 2 * Math.PI;
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = Math.sqrt(u[i]!);
    const a = t * w + Math.PI * labels[i]!;
    x[2 * i] = radius * t * Math.cos(a) + noise * e[2 * i]!;
    x[2 * i + 1] = radius * t * Math.sin(a) + noise * e[2 * i + 1]!;
  }
  return { x, labels, rows: n, features: 2 };
}

export function twoSpirals(n = 300, noise = 0.05, turns = 1.5, seed = 0, radius = 1): Dataset {
  return binaryDataset('two-spirals', twoSpiralsRaw(n, noise, turns, seed, radius));
}

/** Radius of the circle the blob centres sit on. */
export const BLOB_RADIUS = 3;

/**
 * k Gaussian blobs with centres evenly spaced on a circle of radius 3 (class j at angle 2πj/k),
 * standard deviation `noise`; row i belongs to class i mod k.
 */
export function gaussianBlobsRaw(n = 300, k = 3, noise = 0.75, seed = 0): RawClassification {
  const rs = new NumpyRandomState(seed);
  const e = rs.randn(n * 2);
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const ang = (2 * Math.PI * j) / k;
    cx[j] = BLOB_RADIUS * Math.cos(ang);
    cy[j] = BLOB_RADIUS * Math.sin(ang);
  }
  const labels = new Int32Array(n);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    labels[i] = c;
    x[2 * i] = cx[c]! + noise * e[2 * i]!;
    x[2 * i + 1] = cy[c]! + noise * e[2 * i + 1]!;
  }
  return { x, labels, rows: n, features: 2 };
}

export function gaussianBlobs(n = 300, k = 3, noise = 0.75, seed = 0): Dataset {
  const names = Array.from({ length: k }, (_, j) => String(j));
  return multiclassDataset('gaussian-blobs', gaussianBlobsRaw(n, k, noise, seed), names);
}
