/**
 * The decision-boundary view (visual article, Listing 3 and Figures 4, 8, 14, 19): the model evaluated
 * on a grid over two input features in one batched forward pass, shaded by predicted class with the
 * probability as intensity. Data with more than two features is sliced: the other features are held
 * fixed (at their means by default). Also the bounds of the data and, for single-layer models, the
 * weight vectors normal to the boundaries (w for one output unit, w_i - w_j for softmax).
 */
import type { Dataset } from '../data/dataset.ts';
import type { WeightSet } from '../tensor/weights.ts';
import type { ForwardModel } from '../model/compile.ts';
import { columnMeans, denseLayers, thresholdOf, ViewError, type ViewSource } from './source.ts';
import { preActivationThreshold } from '../losses/index.ts';
import type { ActivationName } from '../layers/activations.ts';

/** Plot window [xMin, xMax, yMin, yMax], as the article's `lims`. */
export type Bounds = [number, number, number, number];

export interface PlaneSpec {
  /** The two input features on the x and y axes (default [0, 1]). */
  features?: [number, number];
  /** The window; default: the data's bounds with a 10 % margin. */
  bounds?: Bounds;
  /** Grid nodes per axis (default 100); the grid has resolution × resolution nodes. */
  resolution?: number;
  /** Values of all features (length F) for the ones not on the axes; default: the data's means, else 0. */
  fixed?: ArrayLike<number>;
  /** Data used for the default bounds and means. */
  dataset?: Dataset;
}

/** A resolved input plane: axes, node coordinates, and the values of the other features. */
export interface Plane {
  features: [number, number];
  bounds: Bounds;
  nx: number;
  ny: number;
  /** Node x coordinates (nx), from bounds[0] to bounds[1] inclusive. */
  xs: Float32Array;
  /** Node y coordinates (ny), from bounds[2] to bounds[3] inclusive. */
  ys: Float32Array;
  /** All F feature values used off the axes (the axis entries are ignored). */
  fixed: Float32Array;
}

export interface DecisionGrid extends Plane {
  task: 'binary' | 'multiclass' | 'regression';
  /** Output columns T of the model. */
  outputs: number;
  /** Model output after its activation at every node, row-major (j * nx + i) × T: x varies fastest. */
  values: Float32Array;
  /** Predicted class per node (binary: output against the model's threshold; multiclass: argmax; regression: 0). */
  predicted: Uint8Array;
  /** Shading intensity per node in [0, 1]: probability of the predicted class, or the normalised output for regression. */
  intensity: Float32Array;
  /** Output range over the grid (for regression colour scales). */
  min: number;
  max: number;
}

/** Bounds of two features of the data, widened by `margin` times their range on each side. */
export function dataBounds(ds: Dataset, features: [number, number] = [0, 1], margin = 0.1): Bounds {
  const [fi, fj] = checkFeatures(features, ds.features);
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  const F = ds.features;
  for (let r = 0; r < ds.rows; r++) {
    const a = ds.x[r * F + fi]!;
    const b = ds.x[r * F + fj]!;
    if (a < x0) x0 = a;
    if (a > x1) x1 = a;
    if (b < y0) y0 = b;
    if (b > y1) y1 = b;
  }
  if (!(x1 >= x0) || !(y1 >= y0)) return [-1, 1, -1, 1];
  // A constant feature still gets a window one unit wide.
  const wx = x1 - x0 || 1;
  const wy = y1 - y0 || 1;
  return [x0 - margin * wx, x1 + margin * wx, y0 - margin * wy, y1 + margin * wy];
}

function checkFeatures(features: [number, number], F: number): [number, number] {
  const [i, j] = features;
  for (const f of features) {
    if (!Number.isInteger(f) || f < 0 || f >= F)
      throw new ViewError(
        `Feature index ${f} is out of range: the model takes ${F} feature${F === 1 ? '' : 's'} (0 to ${F - 1}).`,
      );
  }
  if (i === j) throw new ViewError(`The two plotted features must differ (both are ${i}).`);
  return [i, j];
}

/** Resolve a plane spec against a model with F inputs: defaults, checks, node coordinates. */
export function resolvePlane(F: number, spec: PlaneSpec): Plane {
  if (F < 2)
    throw new ViewError(
      `A plane view needs at least two input features; the model takes ${F}. Use the prediction curve for one-feature data.`,
    );
  const features = checkFeatures(spec.features ?? [0, 1], F);
  const ds = spec.dataset;
  if (ds && ds.features !== F) throw new ViewError(`The data has ${ds.features} features but the model takes ${F}.`);
  const bounds = spec.bounds ?? (ds ? dataBounds(ds, features) : null);
  if (!bounds) throw new ViewError('A plane view needs bounds or a dataset to take them from.');
  if (bounds.length !== 4 || !bounds.every(Number.isFinite) || !(bounds[1] > bounds[0]) || !(bounds[3] > bounds[2])) {
    throw new ViewError(
      `Bounds must be four finite numbers [xMin, xMax, yMin, yMax] with min < max; got [${bounds.join(', ')}].`,
    );
  }
  const res = spec.resolution ?? 100;
  if (!Number.isInteger(res) || res < 2 || res > 2000)
    throw new ViewError(`Grid resolution must be an integer from 2 to 2000; got ${res}.`);
  let fixed: Float32Array;
  if (spec.fixed) {
    if (spec.fixed.length !== F)
      throw new ViewError(`'fixed' must give a value for each of the ${F} features; got ${spec.fixed.length}.`);
    fixed = Float32Array.from(spec.fixed);
  } else fixed = ds ? Float32Array.from(columnMeans(ds.x, ds.rows, F)) : new Float32Array(F);
  const axis = (a: number, b: number) => {
    const v = new Float32Array(res);
    for (let i = 0; i < res; i++) v[i] = a + ((b - a) * i) / (res - 1);
    return v;
  };
  return {
    features,
    bounds: [...bounds],
    nx: res,
    ny: res,
    xs: axis(bounds[0], bounds[1]),
    ys: axis(bounds[2], bounds[3]),
    fixed,
  };
}

/** The model inputs of every plane node, row-major (j * nx + i) × F. */
export function planeInputs(plane: Plane): Float32Array {
  const F = plane.fixed.length;
  const { nx, ny, xs, ys } = plane;
  const [fi, fj] = plane.features;
  const x = new Float32Array(nx * ny * F);
  for (let j = 0, o = 0; j < ny; j++) {
    const yv = ys[j]!;
    for (let i = 0; i < nx; i++, o += F) {
      x.set(plane.fixed, o);
      x[o + fi] = xs[i]!;
      x[o + fj] = yv;
    }
  }
  return x;
}

/** The task the output layer implies: softmax over several units is multiclass, sigmoid/step binary. */
export function outputTask(fwd: ForwardModel): 'binary' | 'multiclass' | 'regression' {
  if (fwd.targets > 1 && fwd.activation === 'softmax') return 'multiclass';
  if (fwd.loss === 'mse' || fwd.loss === 'mae') return 'regression';
  if (fwd.targets > 1) return 'multiclass';
  return 'binary';
}

/** Evaluate the model on a resolution × resolution grid over two features (one batched pass). */
export function decisionGrid(source: ViewSource, spec: PlaneSpec = {}): DecisionGrid {
  const fwd = source.forward;
  const plane = resolvePlane(fwd.features, spec);
  const cells = plane.nx * plane.ny;
  const T = fwd.targets;
  const out = source.runForward(planeInputs(plane), cells, [fwd.pred])[0]!;
  const values = out instanceof Float32Array ? out : Float32Array.from(out);
  const task = outputTask(fwd);
  const predicted = new Uint8Array(cells);
  const intensity = new Float32Array(cells);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (task === 'binary') {
    // One output against the model's threshold; probabilities shade by confidence, scores (hinge) by margin.
    const at = fwd.decision.kind === 'threshold' ? fwd.decision.at : 0.5;
    for (let c = 0; c < cells; c++) {
      const p = values[c * T]!;
      const cls = p >= at ? 1 : 0;
      predicted[c] = cls;
      intensity[c] = at === 0.5 ? (cls ? p : 1 - p) : 0.5 + 0.5 * Math.tanh(Math.abs(p - at));
    }
  } else if (task === 'multiclass') {
    for (let c = 0, o = 0; c < cells; c++, o += T) {
      let best = 0;
      for (let t = 1; t < T; t++) if (values[o + t]! > values[o + best]!) best = t;
      predicted[c] = best;
      intensity[c] = values[o + best]!;
    }
  } else {
    const span = max - min || 1;
    for (let c = 0; c < cells; c++) intensity[c] = (values[c * T]! - min) / span;
  }
  return { ...plane, task, outputs: T, values, predicted, intensity, min, max };
}

/** The grid node nearest to the point (x, y) of the plane, as a flat cell index (clamped to the grid). */
export function nearestCell(plane: Plane, x: number, y: number): number {
  const [x0, x1, y0, y1] = plane.bounds;
  const i = Math.min(plane.nx - 1, Math.max(0, Math.round(((x - x0) / (x1 - x0)) * (plane.nx - 1))));
  const j = Math.min(plane.ny - 1, Math.max(0, Math.round(((y - y0) / (y1 - y0)) * (plane.ny - 1))));
  return j * plane.nx + i;
}

/** One arrow normal to a linear decision boundary, placed on that boundary. */
export interface WeightArrow {
  /** 'w' for one output unit; 'w3-w2' style labels (1-based, as in the article) for softmax pairs. */
  label: string;
  /** Classes the boundary separates: [negative side, positive side]. */
  classes: [number, number];
  /** The normal (dx, dy) on the plotted features: the weight vector, or the difference of two. */
  dx: number;
  dy: number;
  /** The boundary line a·x + b·y + c = 0 on the plotted plane (others fixed). */
  line: [number, number, number];
  /**
   * Foot of the arrow: on the boundary, the middle of the stretch where these two classes are the
   * model's top two and (with `bounds`) inside the window; else the boundary point nearest `center`.
   */
  x: number;
  y: number;
  /** Whether that stretch exists, i.e. the foot lies on a boundary drawn in the window. */
  onBoundary: boolean;
}

/**
 * The interval of s where p(s) = p + s·d satisfies every a·x + b·y + c >= 0, or null when empty.
 * Constant constraints hold or fail for every s.
 */
function feasibleInterval(
  p: [number, number],
  d: [number, number],
  constraints: [number, number, number][],
): [number, number] | null {
  let lo = -Infinity;
  let hi = Infinity;
  for (const [a, b, c] of constraints) {
    const slope = a * d[0] + b * d[1];
    const at0 = a * p[0] + b * p[1] + c;
    if (Math.abs(slope) < 1e-12) {
      if (at0 < -1e-9) return null;
      continue;
    }
    const s = -at0 / slope;
    if (slope > 0) lo = Math.max(lo, s);
    else hi = Math.min(hi, s);
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Weight vectors of a single-layer model (Input straight to Output) on two features: w for one
 * output unit (Figure 4), w_j - w_i for each pair of softmax units (Figure 14); null for deeper models.
 */
export function weightArrows(
  weights: WeightSet,
  fwd: ForwardModel,
  opts: {
    features?: [number, number];
    fixed?: ArrayLike<number>;
    center?: [number, number];
    /** The window [x0, x1, y0, y1]: arrows are anchored on the boundary's part inside it. */
    bounds?: [number, number, number, number];
  } = {},
): WeightArrow[] | null {
  const layers = denseLayers(fwd);
  if (layers.length !== 1 || layers[0]!.input !== fwd.x) return null;
  const layer = layers[0]!;
  const F = fwd.features;
  const [fi, fj] = checkFeatures(opts.features ?? [0, 1], F);
  const W = weights.get(layer.weight);
  if (!W) throw new ViewError(`No weights for '${layer.weight}'.`);
  const B = layer.bias ? weights.get(layer.bias) : undefined;
  const U = layer.units;
  const fixed = opts.fixed;
  if (fixed && fixed.length !== F)
    throw new ViewError(`'fixed' must give a value for each of the ${F} features; got ${fixed.length}.`);
  const [cx, cy] = opts.center ?? [0, 0];
  // z_u on the plane = W[fi,u] x + W[fj,u] y + (b_u + sum over the other features of W[f,u] fixed_f)
  const zCoef = (u: number): [number, number, number] => {
    let c = B ? B.data[u]! : 0;
    if (fixed) for (let f = 0; f < F; f++) if (f !== fi && f !== fj) c += W.data[f * U + u]! * fixed[f]!;
    return [W.data[fi * U + u]!, W.data[fj * U + u]!, c];
  };
  const box = opts.bounds;
  const inBox: [number, number, number][] = box
    ? [
        [1, 0, -box[0]],
        [-1, 0, box[1]],
        [0, 1, -box[2]],
        [0, -1, box[3]],
      ]
    : [];
  /** `extra`: constraints (>= 0) saying where on the line this boundary is the model's. */
  const arrow = (
    label: string,
    classes: [number, number],
    [a, b, c]: [number, number, number],
    extra: [number, number, number][],
  ): WeightArrow => {
    const n2 = a * a + b * b;
    // The foot of the perpendicular from the centre to the line a x + b y + c = 0.
    const t = n2 > 0 ? (a * cx + b * cy + c) / n2 : 0;
    const foot: [number, number] = [cx - a * t, cy - b * t];
    const base = { label, classes, dx: a, dy: b, line: [a, b, c] as [number, number, number] };
    if (n2 === 0) return { ...base, x: foot[0], y: foot[1], onBoundary: false };
    const n = Math.sqrt(n2);
    const along = feasibleInterval(foot, [-b / n, a / n], [...inBox, ...extra]);
    if (!along) return { ...base, x: foot[0], y: foot[1], onBoundary: false };
    // Unbounded stretches (no window given) keep the foot nearest the centre where it is allowed.
    const s =
      Number.isFinite(along[0]) && Number.isFinite(along[1])
        ? (along[0] + along[1]) / 2
        : Math.min(Math.max(0, along[0]), along[1]);
    return { ...base, x: foot[0] - (b / n) * s, y: foot[1] + (a / n) * s, onBoundary: true };
  };
  if (U === 1) {
    const thr = preActivationThreshold(layer.activation as ActivationName, thresholdOf(fwd)) ?? 0;
    const [a, b, c] = zCoef(0);
    return [arrow('w', [0, 1], [a, b, c - thr], [])];
  }
  const z = Array.from({ length: U }, (_, u) => zCoef(u));
  const out: WeightArrow[] = [];
  for (let i = 0; i < U; i++) {
    for (let j = i + 1; j < U; j++) {
      const zi = z[i]!;
      const zj = z[j]!;
      // On the line z_i = z_j, it is the boundary where z_i >= z_k for every other unit k.
      const others = z
        .filter((_, k) => k !== i && k !== j)
        .map((zk) => [zi[0] - zk[0], zi[1] - zk[1], zi[2] - zk[2]] as [number, number, number]);
      out.push(arrow(`w${j + 1}-w${i + 1}`, [i, j], [zj[0] - zi[0], zj[1] - zi[1], zj[2] - zi[2]], others));
    }
  }
  return out;
}
