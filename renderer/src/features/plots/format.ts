/** Numbers in readouts and on axes: significant digits, so 0.0004 and 400 both say something (pure, unit-tested). */

/** `v` to `digits` significant digits, as text Number() reads back; '–' when there is no value. */
export function sig(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}
