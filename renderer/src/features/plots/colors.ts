/** Colours of the plots: classes, and shading by probability (pure, unit-tested). */

/** Class colours (RGB), chosen to stay apart for colour-blind readers. */
export const CLASS_COLORS: readonly [number, number, number][] = [
  [47, 111, 222],
  [224, 123, 0],
  [46, 157, 87],
  [181, 64, 158],
  [204, 55, 51],
  [120, 94, 240],
  [0, 150, 160],
  [140, 120, 60],
  [90, 90, 90],
  [230, 180, 0],
];

/** The RGB of a grid cell: its class colour faded towards white as the probability falls to chance. */
export function cellColor(cls: number, intensity: number, classes: number): [number, number, number] {
  const c = CLASS_COLORS[cls % CLASS_COLORS.length]!;
  const chance = 1 / Math.max(2, classes);
  // 0 at chance level, 1 at certainty; kept below full strength so the points stand out.
  const a = Math.max(0, Math.min(1, (intensity - chance) / (1 - chance))) * 0.75 + 0.08;
  return [Math.round(255 + (c[0] - 255) * a), Math.round(255 + (c[1] - 255) * a), Math.round(255 + (c[2] - 255) * a)];
}

/**
 * The one diverging palette for signed quantities — weights, unit values, a regression's output:
 * pink below, white at the middle, green above (ColorBrewer's PiYG). It shares no hue with the first
 * class colours (blue, orange), so a colour never means both a class and a sign.
 */
export const NEGATIVE: readonly [number, number, number] = [197, 27, 125];
export const POSITIVE: readonly [number, number, number] = [77, 146, 33];

/** The diverging palette over [0, 1] (0.5 is white). */
export function rampColor(t: number): [number, number, number] {
  const c = t < 0.5 ? NEGATIVE : POSITIVE;
  const a = Math.min(1, Math.abs(t - 0.5) * 2) * 0.85;
  return [Math.round(255 + (c[0] - 255) * a), Math.round(255 + (c[1] - 255) * a), Math.round(255 + (c[2] - 255) * a)];
}

/** A signed value's colour, white at zero, full at ±maxAbs. */
export function signedColor(v: number, maxAbs: number): [number, number, number] {
  return rampColor(0.5 + 0.5 * Math.max(-1, Math.min(1, v / (maxAbs || 1))));
}

/** CSS colour of a weight's sign. */
export const signCss = (sign: number) => (sign >= 0 ? `rgb(${POSITIVE.join(' ')})` : `rgb(${NEGATIVE.join(' ')})`);
