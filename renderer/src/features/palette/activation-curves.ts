/**
 * Activation functions sampled for the palette's and inspector's small plots (display only: the
 * engine's own implementations do the training). Softmax is drawn for two classes, [x, 0].
 */
import type { ActivationName } from '../../../../src-engine/graph/catalog.ts';

const erf = (x: number) => {
  // Abramowitz-Stegun 7.1.26, accurate to 1.5e-7: plenty for a 60-pixel plot.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const CURVES: Record<ActivationName, (x: number, alpha: number) => number> = {
  linear: (x) => x,
  step: (x) => (x > 0 ? 1 : 0),
  sigmoid,
  tanh: Math.tanh,
  relu: (x) => Math.max(0, x),
  leaky_relu: (x, a) => (x > 0 ? x : a * x),
  elu: (x, a) => (x > 0 ? x : a * (Math.exp(x) - 1)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  silu: (x) => x * sigmoid(x),
  softplus: (x) => Math.log1p(Math.exp(x)),
  softmax: (x) => sigmoid(x),
};

/** An SVG polyline `points` string for f on [-range, range], fitted to width × height. */
export function curvePoints(
  name: ActivationName,
  width: number,
  height: number,
  alpha = 0.1,
  range = 4,
  samples = 48,
): string {
  const f = CURVES[name];
  const xs = Array.from({ length: samples + 1 }, (_, i) => -range + (2 * range * i) / samples);
  const ys = xs.map((x) => f(x, alpha));
  const lo = Math.min(-1, ...ys);
  const hi = Math.max(1, ...ys);
  return xs
    .map(
      (x, i) =>
        `${(((x + range) / (2 * range)) * width).toFixed(1)},${(height - ((ys[i]! - lo) / (hi - lo)) * height).toFixed(1)}`,
    )
    .join(' ');
}
