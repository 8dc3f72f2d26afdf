/**
 * Activation functions sampled for the palette's and inspector's small plots, from the engine's own
 * definitions (the same records the training programs are built from). Softmax is drawn for two
 * classes, [x, 0].
 */
import { activationAt, type ActivationName } from '../../../../src-engine/graph/catalog.ts';

/** An SVG polyline `points` string for f on [-range, range], fitted to width × height. */
export function curvePoints(
  name: ActivationName,
  width: number,
  height: number,
  alpha = 0.1,
  range = 4,
  samples = 48,
): string {
  const xs = Array.from({ length: samples + 1 }, (_, i) => -range + (2 * range * i) / samples);
  const ys = xs.map((x) => activationAt(name, x, alpha).output);
  const lo = Math.min(-1, ...ys);
  const hi = Math.max(1, ...ys);
  return xs
    .map(
      (x, i) =>
        `${(((x + range) / (2 * range)) * width).toFixed(1)},${(height - ((ys[i]! - lo) / (hi - lo)) * height).toFixed(1)}`,
    )
    .join(' ');
}
