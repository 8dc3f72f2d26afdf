/**
 * Three-dimensional views (visual article, Figures 10, 20 and 25): the data mapped into a layer's
 * activations, with the next layer's separating plane drawn in that space. A layer of three units
 * is shown exactly; a wider one through its first three units or a PCA to three dimensions; a
 * narrower one padded with zeros. Also three-feature data with a single-layer model's plane.
 */
import { classify, preActivationThreshold } from '../losses/index.ts';
import type { ActivationName } from '../layers/activations.ts';
import { classLabels, type Dataset } from '../data/dataset.ts';
import type { ForwardModel } from '../model/compile.ts';
import { denseConsumer, denseLayers, thresholdOf, ViewError, type DenseLayerRef, type ViewSource } from './source.ts';
import { pca } from './pca.ts';
import type { WeightSet } from '../tensor/weights.ts';

/** A plane n·p + offset = 0 in a 3-D view, separating classes `classes` [negative side, positive side]. */
export interface SeparatingPlane {
  label: string;
  classes: [number, number];
  normal: [number, number, number];
  offset: number;
  /** False where the view is a projection and the plane only approximates the true boundary. */
  exact: boolean;
}

export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
}

export interface Points3d {
  /** Rows × 3 coordinates. */
  points: Float32Array;
  rows: number;
  /** True class per row (classification; zeros for regression). */
  labels: Int32Array;
  /** The model's predicted class per row. */
  predicted: Int32Array;
  planes: SeparatingPlane[];
  box: Box3;
}

export type HiddenSpaceMethod = 'exact' | 'first3' | 'pca';

export interface HiddenSpace extends Points3d {
  nodeId: string;
  units: number;
  method: HiddenSpaceMethod;
  /** Axis names for the labels: a1, a2, a3 or PC1, PC2, PC3. */
  axisNames: [string, string, string];
  /** The map from activations a to view coordinates: p = A (a - m); A is 3 × units (row-major). */
  basis: Float32Array;
  mean: Float32Array;
  /** Share of the layer's variance each view axis shows (PCA), else null. */
  explained: [number, number, number] | null;
  /** For a layer reading the input directly: where each input feature's unit step moves a point (v_1, v_2 of Figure 25). */
  inputVectors: { feature: number; vector: [number, number, number] }[] | null;
}

/** The data in the activation space of graph node `nodeId` (3-D), with the next layer's plane(s). */
export function hiddenSpace(
  source: ViewSource,
  ds: Dataset,
  nodeId: string,
  opts: { method?: HiddenSpaceMethod } = {},
): HiddenSpace {
  const fwd = source.forward;
  const v = fwd.values.get(nodeId);
  if (v === undefined)
    throw new ViewError(`The network has no layer '${nodeId}' (layers: ${[...fwd.values.keys()].join(', ')}).`);
  if (ds.features !== fwd.features)
    throw new ViewError(`The data has ${ds.features} features but the model takes ${fwd.features}.`);
  const units = fwd.program.shape(v)[1];
  const method = opts.method ?? (units <= 3 ? 'exact' : 'pca');
  if (method === 'exact' && units > 3)
    throw new ViewError(
      `Layer '${nodeId}' has ${units} units; an exact 3-D view needs at most 3 (use 'first3' or 'pca').`,
    );
  const [acts, pred] = source.runForward(ds.x, ds.rows, [v, fwd.pred]);
  const rows = ds.rows;
  // p = A (a - m): A is 3 × units, m has units entries.
  const A = new Float64Array(3 * units);
  const m = new Float64Array(units);
  let explained: [number, number, number] | null = null;
  if (method === 'pca') {
    const p = pca(acts!, rows, units, 3);
    A.set(p.axes);
    m.set(p.mean);
    const t = p.totalVariance || 1;
    explained = [0, 1, 2].map((k) => (k < p.variance.length ? p.variance[k]! / t : 0)) as [number, number, number];
  } else {
    for (let k = 0; k < Math.min(3, units); k++) A[k * units + k] = 1;
  }
  const points = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    const o = r * units;
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let u = 0; u < units; u++) s += A[k * units + u]! * (acts![o + u]! - m[u]!);
      points[r * 3 + k] = s;
    }
  }
  // The plane in view coordinates: with a ≈ m + A^T p, w·a + b = (A w)·p + (w·m + b). For 'first3' the
  // units left out sit at their data means, so that m carries those means.
  const planeMean = new Float64Array(m);
  if (method === 'first3') {
    const full = columnMean(acts!, rows, units);
    for (let u = 3; u < units; u++) planeMean[u] = full[u]!;
  }
  const consumer = denseConsumer(fwd, nodeId);
  const weights = source.getWeights();
  const planes = consumer
    ? layerPlanes(consumer, weights, A, planeMean, units, method === 'exact', thresholdOf(fwd))
    : [];
  let inputVectors: HiddenSpace['inputVectors'] = null;
  const own = denseLayers(fwd).find((d) => d.nodeId === nodeId && d.input === fwd.x);
  if (
    own &&
    (own.activation === 'linear' || own.activation === 'unknown') &&
    fwd.values.get(nodeId) === fwd.preValues.get(nodeId)
  ) {
    const W = weights.get(own.weight)!;
    inputVectors = [];
    for (let f = 0; f < own.inSize; f++) {
      const vec: [number, number, number] = [0, 0, 0];
      for (let k = 0; k < 3; k++) for (let u = 0; u < units; u++) vec[k] += A[k * units + u]! * W.data[f * units + u]!;
      inputVectors.push({ feature: f, vector: vec });
    }
  }
  return {
    nodeId,
    units,
    method,
    axisNames: method === 'pca' ? ['PC1', 'PC2', 'PC3'] : ['a1', 'a2', 'a3'],
    basis: Float32Array.from(A),
    mean: Float32Array.from(m),
    explained,
    inputVectors,
    points,
    rows,
    labels: classLabels(ds),
    predicted: predictedClasses(fwd, pred!, rows),
    planes,
    box: boxOf(points, rows),
  };
}

/** Three-feature data in its own space, with a single-layer model's decision plane(s) (Figure 10). */
export function featureSpace3d(source: ViewSource, ds: Dataset): Points3d {
  const fwd = source.forward;
  if (ds.features !== 3)
    throw new ViewError(`The 3-D feature view needs data with three features; '${ds.name}' has ${ds.features}.`);
  if (fwd.features !== 3)
    throw new ViewError(`The model takes ${fwd.features} features; the 3-D feature view needs 3.`);
  const [pred] = source.runForward(ds.x, ds.rows, [fwd.pred]);
  const layers = denseLayers(fwd);
  const single = layers.length === 1 && layers[0]!.input === fwd.x ? layers[0]! : null;
  const A = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const planes = single
    ? layerPlanes(single, source.getWeights(), A, new Float64Array(3), 3, true, thresholdOf(fwd))
    : [];
  const points = ds.x.slice(0, ds.rows * 3);
  return {
    points,
    rows: ds.rows,
    labels: classLabels(ds),
    predicted: predictedClasses(fwd, pred!, ds.rows),
    planes,
    box: boxOf(points, ds.rows),
  };
}

/** The boundary planes of a Dense layer read in view coordinates p (a = m + A^T p). */
function layerPlanes(
  layer: DenseLayerRef,
  weights: WeightSet,
  A: Float64Array,
  m: Float64Array,
  units: number,
  exact: boolean,
  threshold: number,
): SeparatingPlane[] {
  const W = weights.get(layer.weight);
  if (!W) throw new ViewError(`No weights for '${layer.weight}'.`);
  const B = layer.bias ? weights.get(layer.bias) : undefined;
  const U = layer.units;
  const thr = preActivationThreshold(layer.activation as ActivationName, threshold);
  if (thr === null) return [];
  // z_c = sum_u W[u, c] a_u + b_c, as (normal, offset) on p.
  const zOn = (c: number): [number, number, number, number] => {
    const n: [number, number, number, number] = [0, 0, 0, B ? B.data[c]! : 0];
    for (let u = 0; u < units; u++) {
      const w = W.data[u * U + c]!;
      for (let k = 0; k < 3; k++) n[k] += A[k * units + u]! * w;
      n[3] += w * m[u]!;
    }
    return n;
  };
  if (U === 1) {
    const z = zOn(0);
    return [
      { label: 'w·a + b = ' + String(thr), classes: [0, 1], normal: [z[0], z[1], z[2]], offset: z[3] - thr, exact },
    ];
  }
  if (layer.activation !== 'softmax') return [];
  const out: SeparatingPlane[] = [];
  const zs = Array.from({ length: U }, (_, c) => zOn(c));
  for (let i = 0; i < U; i++) {
    for (let j = i + 1; j < U; j++) {
      const a = zs[i]!,
        b = zs[j]!;
      out.push({
        label: `z${j + 1} = z${i + 1}`,
        classes: [i, j],
        normal: [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        offset: b[3] - a[3],
        exact,
      });
    }
  }
  return out;
}

/** The model's predicted class per row, by its decision rule. */
export function predictedClasses(fwd: ForwardModel, pred: ArrayLike<number>, rows: number): Int32Array {
  return classify(pred, rows, fwd.targets, fwd.decision);
}

function columnMean(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const m = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[c] += x[r * cols + c]!;
  for (let c = 0; c < cols; c++) m[c] /= Math.max(1, rows);
  return m;
}

function boxOf(points: Float32Array, rows: number): Box3 {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 3; k++) {
      const v = points[r * 3 + k]!;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  if (!rows) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min, max };
}

/**
 * The polygon where a plane crosses a box (3 to 6 vertices, x, y, z each, in order around it), for
 * drawing the plane clipped to the data; empty when they do not meet.
 */
export function planeInBox(plane: Pick<SeparatingPlane, 'normal' | 'offset'>, box: Box3): Float32Array {
  const [nx, ny, nz] = plane.normal;
  const s = (p: number[]) => nx * p[0]! + ny * p[1]! + nz * p[2]! + plane.offset;
  const corner = (i: number) => [
    i & 1 ? box.max[0] : box.min[0],
    i & 2 ? box.max[1] : box.min[1],
    i & 4 ? box.max[2] : box.min[2],
  ];
  const pts: number[][] = [];
  for (let a = 0; a < 8; a++) {
    for (const bit of [1, 2, 4]) {
      if (a & bit) continue;
      const P = corner(a),
        Q = corner(a | bit);
      const sp = s(P),
        sq = s(Q);
      if ((sp > 0 && sq > 0) || (sp < 0 && sq < 0) || sp === sq) continue;
      const t = sp / (sp - sq);
      const X = [P[0]! + t * (Q[0]! - P[0]!), P[1]! + t * (Q[1]! - P[1]!), P[2]! + t * (Q[2]! - P[2]!)];
      if (!pts.some((q) => Math.hypot(q[0]! - X[0]!, q[1]! - X[1]!, q[2]! - X[2]!) < 1e-9)) pts.push(X);
    }
  }
  if (pts.length < 3) return new Float32Array(0);
  const c = [0, 1, 2].map((k) => pts.reduce((acc, p) => acc + p[k]!, 0) / pts.length);
  // Two in-plane directions: u ⟂ n, v = n × u; sort the crossing points by angle around the centre.
  const n = [nx, ny, nz];
  const ax = Math.abs(nx) < 0.9 * Math.hypot(nx, ny, nz) ? [1, 0, 0] : [0, 1, 0];
  const u = cross(n, ax);
  const v = cross(n, u);
  const angle = (p: number[]) => Math.atan2(dot(sub(p, c), v), dot(sub(p, c), u));
  pts.sort((p, q) => angle(p) - angle(q));
  return Float32Array.from(pts.flat());
}

const cross = (a: number[], b: number[]) => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];
const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
const sub = (a: number[], b: number[]) => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
