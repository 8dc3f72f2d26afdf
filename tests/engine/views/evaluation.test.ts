/** Confusion matrices, per-class scores, regression errors and the predictions table, on hand-made data. */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import {
  classificationReport,
  confusionMatrix,
  evaluateModel,
  predictionsTable,
  regressionReport,
} from '../../../src-engine/views/evaluation.ts';
import { trainTemplate } from './util.ts';

describe('confusionMatrix and classificationReport', () => {
  // true:      0 0 0 1 1 2 2 2 2
  // predicted: 0 0 1 1 2 2 2 2 0
  const oneHot = (cls: number[]) => Float32Array.from(cls.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
  const probs = (cls: number[]) => Float32Array.from(cls.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0.8 : 0.1))));
  const y = oneHot([0, 0, 0, 1, 1, 2, 2, 2, 2]);
  const p = probs([0, 0, 1, 1, 2, 2, 2, 2, 0]);

  it('counts true classes in rows and predictions in columns', () => {
    const cm = confusionMatrix(p, y, 'multiclass', ['a', 'b', 'c']);
    expect(Array.from(cm.counts)).toEqual([2, 1, 0, 0, 1, 1, 1, 0, 3]);
    expect(cm.total).toBe(9);
  });

  it('gives accuracy, precision, recall and F1 per class, macro and weighted', () => {
    const r = classificationReport(confusionMatrix(p, y, 'multiclass', 3));
    expect(r.accuracy).toBeCloseTo(6 / 9, 12);
    const [a, b, c] = r.perClass;
    expect(a).toMatchObject({ class: '0', support: 3, predicted: 3 });
    expect(a!.precision).toBeCloseTo(2 / 3, 12);
    expect(a!.recall).toBeCloseTo(2 / 3, 12);
    expect(b!.precision).toBeCloseTo(1 / 2, 12);
    expect(b!.recall).toBeCloseTo(1 / 2, 12);
    expect(c!.precision).toBeCloseTo(3 / 4, 12);
    expect(c!.recall).toBeCloseTo(3 / 4, 12);
    expect(c!.f1).toBeCloseTo(3 / 4, 12);
    expect(r.macro.precision).toBeCloseTo((2 / 3 + 1 / 2 + 3 / 4) / 3, 12);
    expect(r.weighted.recall).toBeCloseTo((3 * (2 / 3) + 2 * (1 / 2) + 4 * (3 / 4)) / 9, 12);
  });

  it('thresholds binary outputs at 0.5 and leaves undefined scores null', () => {
    const cm = confusionMatrix(Float32Array.of(0.2, 0.4, 0.49, 0.5), Float32Array.of(0, 0, 1, 1), 'binary', [
      'neg',
      'pos',
    ]);
    expect(Array.from(cm.counts)).toEqual([2, 0, 1, 1]);
    const never = classificationReport(confusionMatrix(Float32Array.of(0.1, 0.2), Float32Array.of(0, 1), 'binary', 2));
    expect(never.perClass[1]!.precision).toBeNull();
    expect(never.perClass[1]!.recall).toBe(0);
    expect(never.perClass[1]!.f1).toBeNull();
    expect(JSON.parse(JSON.stringify(never)).perClass[1].precision).toBeNull();
  });

  it('refuses regression and mismatched lengths', () => {
    expect(() => confusionMatrix([1], [1], 'regression', 2)).toThrow(/regression/);
    expect(() => confusionMatrix([1, 0], [1], 'binary', 2)).toThrow(/2 values but targets have 1/);
  });
});

describe('regressionReport', () => {
  it('computes MSE, RMSE, MAE and R²', () => {
    const r = regressionReport([1, 2, 4], [1, 3, 3]);
    expect(r.mse).toBeCloseTo(2 / 3, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(r.mae).toBeCloseTo(2 / 3, 12);
    // mean 7/3, SST = (16 + 4 + 4) / 9 = 24/9
    expect(r.r2).toBeCloseTo(1 - 2 / (24 / 9), 12);
    expect(regressionReport([1, 2], [3, 3]).r2).toBeNull();
  });
});

describe('predictionsTable', () => {
  it("shows the from-scratch article's outputs next to its targets", async () => {
    const fs = await trainTemplate('from-scratch');
    const ev = evaluateModel(fs.backend, fs.ds);
    expect(ev.report!.accuracy).toBe(1);
    const t = predictionsTable(fs.ds, ev.pred);
    expect(t.rows).toHaveLength(4);
    expect(t.totalRows).toBe(4);
    for (const row of t.rows) {
      expect(row.output[0]).toBeCloseTo(ev.pred[row.index]!, 7);
      expect(row.correct).toBe(true);
      expect(Math.abs(row.output[0]! - row.target[0]!)).toBeLessThan(0.1);
    }
    expect(t.rows[1]!.inputs).toEqual(Array.from(fs.ds.x.subarray(3, 6)));
  });

  it('lists chosen rows, regression errors, and names a bad row', () => {
    const ds: Dataset = {
      name: 'reg',
      x: Float32Array.of(1, 2, 3),
      y: Float32Array.of(10, 20, 30),
      rows: 3,
      features: 1,
      targets: 1,
      task: 'regression',
      featureNames: ['x'],
      targetNames: ['y'],
    };
    const t = predictionsTable(ds, [11, 19, 30], { rows: [2, 0] });
    expect(t.rows.map((r) => [r.index, r.error![0]])).toEqual([
      [2, 0],
      [0, 1],
    ]);
    expect(t.targetNames).toEqual(['y']);
    expect(() => predictionsTable(ds, [1, 2, 3], { rows: [3] })).toThrow(/Row 3 is out of range: 'reg' has 3 rows/);
    expect(() => predictionsTable(ds, [1, 2])).toThrow(/needs 3 rows/);
  });
});
