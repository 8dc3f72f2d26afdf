/** The bounded metric history: merging keeps means, extremes and the latest step; run overlays. */
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-engine/project/project.ts';
import { compactRecords, MetricHistory, overlayRuns } from '../../../src-engine/views/history.ts';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';

describe('MetricHistory', () => {
  it('keeps every point until full, then merges pairs and doubles the stride', () => {
    const h = new MetricHistory(4);
    for (let e = 0; e < 3; e++) h.push(e, { loss: 10 - e });
    expect(h.snapshot().series.loss!.y).toEqual([10, 9, 8]);
    h.push(3, { loss: 7 });
    const s = h.snapshot();
    expect(s.stride).toBe(2);
    expect(s.series.loss!.x).toEqual([1, 3]);
    expect(s.series.loss!.y).toEqual([9.5, 7.5]);
    expect(s.series.loss!.min).toEqual([9, 7]);
    h.push(4, { loss: 1 });
    // the partial bucket shows up as the newest point
    expect(h.snapshot().series.loss!.x).toEqual([1, 3, 4]);
  });

  it('stays within maxPoints over a long run and preserves the overall mean and extremes', () => {
    const h = new MetricHistory(100);
    let sum = 0;
    const n = 100_000;
    for (let e = 0; e < n; e++) {
      const v = Math.sin(e / 1000) + e / n;
      sum += v;
      h.push(e, { loss: v, accuracy: e % 2 ? 0.5 : undefined });
    }
    const s = h.snapshot();
    const loss = s.series.loss!;
    expect(loss.x.length).toBeLessThanOrEqual(101);
    expect(loss.x.length).toBeGreaterThanOrEqual(50);
    expect(loss.x[loss.x.length - 1]).toBe(n - 1);
    // bucket means weighted by their sizes give back the overall mean
    let total = 0;
    let prev = -1;
    loss.x.forEach((x, i) => {
      total += loss.y[i]! * (x - prev);
      prev = x;
    });
    expect(total / n).toBeCloseTo(sum / n, 6);
    expect(Math.max(...loss.max)).toBeCloseTo(
      Math.max(...Array.from({ length: n }, (_, e) => Math.sin(e / 1000) + e / n)),
      9,
    );
    expect(s.series.accuracy!.y.every((v) => v === 0.5)).toBe(true);
    expect(s.steps).toBe(n);
  });

  it('skips non-finite values', () => {
    const h = new MetricHistory(8);
    h.push(0, { loss: 1 });
    h.push(1, { loss: NaN });
    h.push(2, { loss: Infinity });
    expect(h.snapshot().series.loss!.y).toEqual([1]);
    expect(() => new MetricHistory(2)).toThrow(/maxPoints/);
  });
});

describe('compactRecords', () => {
  it('keeps records under the bound as they are and merges longer ones, the last epoch last', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ epoch: i + 1, loss: 40 - i, lr: 0.1 }));
    expect(compactRecords(rows.slice(0, 7), 8)).toEqual(rows.slice(0, 7));
    const c = compactRecords(rows, 8);
    expect(c.length).toBeLessThan(8);
    expect(c.at(-1)!.epoch).toBe(40);
    expect(c.every((r, i) => i === 0 || r.epoch > c[i - 1]!.epoch)).toBe(true);
    // Each record is its bucket's mean: the mean over all epochs comes back when weighted by bucket sizes.
    let prev = 0;
    const total = c.reduce((a, r) => {
      const n = r.epoch - prev;
      prev = r.epoch;
      return a + r.loss * n;
    }, 0);
    expect(total / 40).toBeCloseTo(20.5, 10);
    for (const r of c) expect(r.lr).toBeCloseTo(0.1, 12);
  });
});

describe('MetricHistory with the trainer', () => {
  it("takes the trainer's epoch events as they come", async () => {
    const t = getTemplate('xor-quadrants');
    const ds = getBuiltinDataset('xor-quadrants', { n: 200, noise: 0.1 });
    const trainer = new Trainer({ graph: t.graph, config: { ...t.training, epochs: 40 }, train: ds });
    const h = new MetricHistory(16);
    await trainer.runToEnd((e) => {
      if (e.type === 'epoch') h.push(e.epoch, e.metrics);
    });
    const s = h.snapshot();
    expect(Object.keys(s.series).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(s.series.loss!.x[s.series.loss!.x.length - 1]).toBe(39);
    expect(s.series.loss!.x.length).toBeLessThanOrEqual(16);
    expect(s.series.val_accuracy!.y.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('overlayRuns', () => {
  it('compacts each earlier run that has the metric', () => {
    const run = (id: string, n: number, key: string): RunRecord => ({
      id,
      startedAt: '2026-01-01T00:00:00Z',
      config: {},
      epochs: Array.from({ length: n }, (_, e) => ({ epoch: e + 1, [key]: 1 / (e + 1) })),
      stopReason: 'completed',
    });
    const o = overlayRuns([run('a', 1000, 'loss'), run('b', 10, 'loss'), run('c', 5, 'mse')], 'loss', 50);
    expect(o.map((r) => r.id)).toEqual(['a', 'b']);
    expect(o[0]!.x.length).toBeLessThanOrEqual(51);
    expect(o[0]!.x[o[0]!.x.length - 1]).toBe(1000);
    expect(o[1]!.x).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(o[1]!.y[1]).toBe(0.5);
    expect(o[0]!.stopReason).toBe('completed');
  });
});
