/**
 * Compact metric histories for the loss and accuracy curves. Each series keeps at most `maxPoints`
 * buckets: when full, neighbouring buckets merge pairwise and later points are gathered twice as
 * many to a bucket, so a million-epoch run streams as a few hundred points (each bucket keeps the
 * mean, min and max of what it covers, and its last epoch). Earlier runs of a project (its
 * `runs[].epochs` records) are compacted the same way to overlay them.
 */
import type { RunRecord } from '../project/project.ts';

/** The metrics the loss chart draws, and so the ones a run's `train-progress` history carries. */
export const CHART_SERIES = ['loss', 'val_loss', 'accuracy', 'val_accuracy'] as const;
export type ChartSeries = (typeof CHART_SERIES)[number];
/** Buckets per series in a `train-progress` snapshot. */
export const PROGRESS_POINTS = 500;
/** Buckets per series when an earlier run is drawn behind the current one. */
export const OVERLAY_POINTS = 300;
/**
 * Records a run keeps of its epochs (in memory and in the project file): one per epoch up to this
 * many, then compacted (see `compactRecords`), so a million-epoch run stays a few thousand records.
 */
export const RUN_RECORD_POINTS = 5000;

export interface SeriesSnapshot {
  /** x of each bucket: the last step (epoch) it covers, so the newest point sits at the current epoch. */
  x: number[];
  /** Mean of the values in each bucket. */
  y: number[];
  min: number[];
  max: number[];
}

export interface HistorySnapshot {
  /** Points per bucket now (1 until the first merge, then doubling). */
  stride: number;
  /** Steps pushed so far. */
  steps: number;
  series: Record<string, SeriesSnapshot>;
}

interface Bucket {
  x: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

class Series {
  readonly done: Bucket[] = [];
  pending: Bucket | null = null;
}

/** A bounded history of named metrics, pushed once per step (epoch or batch). */
export class MetricHistory {
  private stride = 1;
  private steps = 0;
  private readonly series = new Map<string, Series>();

  constructor(readonly maxPoints = 500) {
    if (!Number.isInteger(maxPoints) || maxPoints < 4)
      throw new RangeError(`maxPoints must be an integer of at least 4; got ${maxPoints}.`);
  }

  /**
   * Add one step's metrics, e.g. a TrainEvent's `metrics` (fields that are not finite numbers are
   * skipped: a diverged loss must not wreck the scale).
   */
  push(step: number, metrics: object): void {
    this.steps++;
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let s = this.series.get(name);
      if (!s) this.series.set(name, (s = new Series()));
      const p = s.pending;
      if (p) {
        p.x = step;
        p.sum += value;
        p.count++;
        if (value < p.min) p.min = value;
        if (value > p.max) p.max = value;
      } else s.pending = { x: step, sum: value, count: 1, min: value, max: value };
      if (s.pending!.count >= this.stride) {
        s.done.push(s.pending!);
        s.pending = null;
        if (s.done.length >= this.maxPoints) this.compact();
      }
    }
  }

  /** Halve every series by merging neighbouring buckets; later buckets hold twice as many points. */
  private compact(): void {
    this.stride *= 2;
    for (const s of this.series.values()) {
      const merged: Bucket[] = [];
      const d = s.done;
      for (let i = 0; i + 1 < d.length; i += 2) merged.push(mergeBuckets(d[i]!, d[i + 1]!));
      // An odd one out (a series that started late) becomes the pending bucket.
      if (d.length % 2) s.pending = s.pending ? mergeBuckets(d[d.length - 1]!, s.pending) : { ...d[d.length - 1]! };
      s.done.length = 0;
      s.done.push(...merged);
      if (s.pending && s.pending.count >= this.stride) {
        s.done.push(s.pending);
        s.pending = null;
      }
    }
  }

  /** The names of the series seen so far. */
  names(): string[] {
    return [...this.series.keys()];
  }

  /** Everything, as plain arrays (the partial last bucket included), ready to post or draw. */
  snapshot(): HistorySnapshot {
    const series: Record<string, SeriesSnapshot> = {};
    for (const [name, s] of this.series) {
      const all = s.pending ? [...s.done, s.pending] : s.done;
      series[name] = {
        x: all.map((b) => b.x),
        y: all.map((b) => b.sum / b.count),
        min: all.map((b) => b.min),
        max: all.map((b) => b.max),
      };
    }
    return { stride: this.stride, steps: this.steps, series };
  }

  /**
   * One record per bucket, as a run record keeps its epochs: `epoch` is the bucket's last epoch and
   * each metric its mean (a metric whose series has no bucket ending there is left out of that record).
   */
  records(): Record<string, number>[] {
    const byX = new Map<number, Record<string, number>>();
    for (const [name, s] of this.series) {
      for (const b of s.pending ? [...s.done, s.pending] : s.done) {
        let r = byX.get(b.x);
        if (!r) byX.set(b.x, (r = { epoch: b.x }));
        r[name] = b.sum / b.count;
      }
    }
    return [...byX.values()].sort((a, b) => a.epoch! - b.epoch!);
  }

  /** A history from per-epoch records (a project's `runs[].epochs`); x is the record's `epoch` field or its position. */
  static fromEpochs(epochs: readonly Readonly<Record<string, number>>[], maxPoints = 500): MetricHistory {
    const h = new MetricHistory(maxPoints);
    epochs.forEach((rec, i) => {
      const { epoch, ...metrics } = rec;
      h.push(typeof epoch === 'number' ? epoch : i, metrics);
    });
    return h;
  }
}

/**
 * Per-epoch records bounded to `maxPoints`: unchanged while there are fewer, else merged pairwise as
 * MetricHistory merges them (the newest record's epoch stays the last one's).
 */
export function compactRecords(
  records: readonly Readonly<Record<string, number>>[],
  maxPoints = RUN_RECORD_POINTS,
): Record<string, number>[] {
  if (records.length < maxPoints) return records.map((r) => ({ ...r }));
  return MetricHistory.fromEpochs(records, maxPoints).records();
}

/** The numeric fields of a record (an epoch point, a checkpoint's history entry), as a plain record. */
export function numericRecord(o: object): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number'));
}

function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  return {
    x: b.x,
    sum: a.sum + b.sum,
    count: a.count + b.count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

export interface RunOverlay {
  id: string;
  startedAt: string;
  stopReason?: string;
  x: number[];
  y: number[];
}

/** One metric of each earlier run, compacted, to draw behind the current curve (runs lacking it are left out). */
export function overlayRuns(runs: readonly RunRecord[], metric: string, maxPoints = OVERLAY_POINTS): RunOverlay[] {
  const out: RunOverlay[] = [];
  for (const run of runs) {
    const s = MetricHistory.fromEpochs(run.epochs, maxPoints).snapshot().series[metric];
    if (!s) continue;
    const o: RunOverlay = { id: run.id, startedAt: run.startedAt, x: s.x, y: s.y };
    if (run.stopReason !== undefined) o.stopReason = run.stopReason;
    out.push(o);
  }
  return out;
}
