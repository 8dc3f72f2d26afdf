/**
 * Regression views (visual article, Listings 29-30, Figures 33-36): the prediction curve over one
 * feature, and for a network with one hidden layer the small multiples of each hidden unit's
 * activation a_k(x), its weighted contribution w_k a_k(x), the output bias, and their sum.
 */
import { ViewError, denseLayers, type ViewSource } from './source.ts';

export interface CurveSpec {
  /** The input feature on the x axis (default 0). */
  feature?: number;
  /** Values of all F features for the ones off the axis (default 0 each; pass the data means). */
  fixed?: ArrayLike<number>;
  /** The output column to report (default 0). */
  output?: number;
}

export interface PredictionCurve {
  feature: number;
  output: number;
  xs: Float32Array;
  /** The prediction (after the output activation) at each x. */
  ys: Float32Array;
}

export interface UnitContributions {
  feature: number;
  output: number;
  xs: Float32Array;
  /** The layer feeding the output (the hidden layer), or the Input for a single-layer model. */
  hiddenNodeId: string;
  units: number;
  /** a_k(x), unit-major: units × n (row k is unit k's curve). */
  activations: Float32Array;
  /** Output weights w_k of the reported output column (times the target's std when it is standardised). */
  weights: Float32Array;
  /** w_k a_k(x), unit-major: units × n. */
  contributions: Float32Array;
  /** The output bias w_0 (0 without a bias; mean + std * w_0 with a standardised target). */
  bias: number;
  /** w_0 + sum_k w_k a_k(x): the output before its activation, summed here in float64. */
  sum: Float32Array;
  /** The same pre-activation value as the engine computed it. */
  logits: Float32Array;
  /** The prediction after the output activation. */
  prediction: Float32Array;
}

/** n evenly spaced points from a to b inclusive. */
export function linspace(a: number, b: number, n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
    throw new ViewError(`The number of points must be an integer from 1 to 10,000,000; got ${n}.`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new ViewError(`The x range must be finite; got [${a}, ${b}].`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return out;
}

function curveInputs(F: number, xs: Float32Array, spec: CurveSpec): { x: Float32Array; feature: number } {
  const feature = spec.feature ?? 0;
  if (!Number.isInteger(feature) || feature < 0 || feature >= F)
    throw new ViewError(`Feature index ${feature} is out of range: the model takes ${F} feature${F === 1 ? '' : 's'}.`);
  if (spec.fixed && spec.fixed.length !== F)
    throw new ViewError(`'fixed' must give a value for each of the ${F} features; got ${spec.fixed.length}.`);
  const x = new Float32Array(xs.length * F);
  for (let r = 0, o = 0; r < xs.length; r++, o += F) {
    if (spec.fixed) for (let f = 0; f < F; f++) x[o + f] = spec.fixed[f]!;
    x[o + feature] = xs[r]!;
  }
  return { x, feature };
}

function checkOutput(T: number, output: number): number {
  if (!Number.isInteger(output) || output < 0 || output >= T)
    throw new ViewError(`Output index ${output} is out of range: the model has ${T} output${T === 1 ? '' : 's'}.`);
  return output;
}

/** The model's prediction at n evenly spaced values of one feature from xMin to xMax (Listing 29). */
export function predictionCurve(
  source: ViewSource,
  xMin: number,
  xMax: number,
  n: number,
  spec: CurveSpec = {},
): PredictionCurve {
  const fwd = source.forward;
  const xs = linspace(xMin, xMax, n);
  const output = checkOutput(fwd.targets, spec.output ?? 0);
  const { x, feature } = curveInputs(fwd.features, xs, spec);
  const pred = source.runForward(x, n, [fwd.pred])[0]!;
  const T = fwd.targets;
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) ys[i] = pred[i * T + output]!;
  return { feature, output, xs, ys };
}

/**
 * Each hidden unit's activation and weighted contribution to the output, the bias and their sum, at
 * the given x values (or n points from xMin to xMax) of one feature (Listing 30, Figures 34-36).
 */
export function unitContributions(
  source: ViewSource,
  at: Float32Array | { xMin: number; xMax: number; n: number },
  spec: CurveSpec = {},
): UnitContributions {
  const fwd = source.forward;
  const xs = at instanceof Float32Array ? at : linspace(at.xMin, at.xMax, at.n);
  const n = xs.length;
  const output = checkOutput(fwd.targets, spec.output ?? 0);
  const out = denseLayers(fwd).find((d) => d.nodeId === fwd.outputNode.id);
  if (!out) throw new ViewError('The Output layer has no weights to split into contributions.');
  const h = out.input;
  const hiddenNodeId = [...fwd.values].find(([, v]) => v === h)?.[0];
  if (hiddenNodeId === undefined)
    throw new ViewError(
      'The Output layer reads a value that belongs to no layer (e.g. a merge); contributions need a single layer feeding it.',
    );
  const { x, feature } = curveInputs(fwd.features, xs, spec);
  const [acts, logitsAll, predAll] = source.runForward(x, n, [h, fwd.logits, fwd.pred]);
  const weights = source.getWeights();
  const W = weights.get(out.weight);
  if (!W) throw new ViewError(`No weights for '${out.weight}'.`);
  const B = out.bias ? weights.get(out.bias) : undefined;
  const units = out.inSize;
  const T = out.units;
  // Standardised targets: raw = mean + std * (b + sum_k w_k a_k), so the panels show std * w_k a_k
  // and the bias mean + std * b, and they still add up to the output in the target's units.
  const scale = source.targetScale;
  const std = scale?.std ?? 1;
  const bias = (scale?.mean ?? 0) + std * (B ? B.data[output]! : 0);
  const w = new Float32Array(units);
  for (let k = 0; k < units; k++) w[k] = std * W.data[k * T + output]!;
  const activations = new Float32Array(units * n);
  const contributions = new Float32Array(units * n);
  const acc = new Float64Array(n).fill(bias);
  for (let k = 0; k < units; k++) {
    const wk = w[k]!;
    const row = k * n;
    for (let i = 0; i < n; i++) {
      const a = acts![i * units + k]!;
      activations[row + i] = a;
      const c = wk * a;
      contributions[row + i] = c;
      acc[i] += c;
    }
  }
  const logits = new Float32Array(n);
  const prediction = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    logits[i] = logitsAll![i * T + output]!;
    prediction[i] = predAll![i * T + output]!;
  }
  return {
    feature,
    output,
    xs,
    hiddenNodeId,
    units,
    activations,
    weights: w,
    contributions,
    bias,
    sum: Float32Array.from(acc),
    logits,
    prediction,
  };
}
