/** Ranges, round tick values and the data-to-pixel frame of the plots' axes (pure, unit-tested). */

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  // The round step whose tick count comes closest to the one asked for.
  let step = p;
  for (const m of [2, 5, 10])
    if (Math.abs((hi - lo) / (m * p) - count) < Math.abs((hi - lo) / step - count)) step = m * p;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) out.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  return out.map((v) => Number(v.toPrecision(12)));
}

/** A data range padded by a fraction on both sides (and widened when it is a single value). */
export function padRange(values: readonly number[], pad = 0.04): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/** A plot area in pixels and the maps between data and pixels inside it. */
export interface Frame {
  /** The plot area in pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
  px(v: number): number;
  py(v: number): number;
  /** The inverse maps: data coordinates at pixel p (for hover values). */
  vx(p: number): number;
  vy(p: number): number;
}

/** The plot area inside w × h leaving room for the tick labels and axis names. */
export function frameFor(
  w: number,
  h: number,
  x: [number, number],
  y: [number, number],
  font = 10,
  margin: { left?: number; bottom?: number; top?: number; right?: number } = {},
): Frame {
  const left = margin.left ?? Math.round(font * 4.6);
  const bottom = margin.bottom ?? Math.round(font * 3.2);
  const top = margin.top ?? Math.round(font * 0.8);
  const right = margin.right ?? Math.round(font * 1.2);
  const width = Math.max(10, w - left - right);
  const height = Math.max(10, h - top - bottom);
  return {
    left,
    top,
    width,
    height,
    px: (v) => left + ((v - x[0]) / (x[1] - x[0] || 1)) * width,
    py: (v) => top + height - ((v - y[0]) / (y[1] - y[0] || 1)) * height,
    vx: (p) => x[0] + ((p - left) / width) * (x[1] - x[0]),
    vy: (p) => y[0] + ((top + height - p) / height) * (y[1] - y[0]),
  };
}
