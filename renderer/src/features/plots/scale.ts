/** Ranges and round tick values for the plots' axes (pure, unit-tested). */

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
