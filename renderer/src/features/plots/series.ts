/** A run's bounded metric history as chart series (pure, unit-tested). */
import type { ChartSeries, HistorySnapshot } from '../../../../src-engine/protocol/api.ts';

export type Xy = { x: number; y: number };
export type Key = ChartSeries;

/** One metric as the chart draws it: the buckets' means, and their min/max band once buckets cover several epochs. */
export interface DrawnSeries {
  line: Xy[];
  /** null while every bucket holds one epoch (the band would be the line itself). */
  band: { min: Xy[]; max: Xy[] } | null;
}

/** The (epoch, value) pairs of one metric; x is the last epoch each bucket covers. Empty when the run has no such metric. */
export function seriesOf(history: HistorySnapshot | null, key: Key): DrawnSeries {
  const s = history?.series[key];
  if (!s || !s.x.length) return { line: [], band: null };
  const line = s.x.map((x, i) => ({ x, y: s.y[i]! }));
  const band =
    history.stride > 1
      ? { min: s.x.map((x, i) => ({ x, y: s.min[i]! })), max: s.x.map((x, i) => ({ x, y: s.max[i]! })) }
      : null;
  return { line, band };
}
