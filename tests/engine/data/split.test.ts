import { describe, expect, it } from 'vitest';
import { kFold, splitIndices } from '../../../src-engine/data/split.ts';

describe('splitIndices', () => {
  it('partitions every row exactly once, reproducibly for a seed', () => {
    const s = splitIndices(1000, { validation: 0.15, test: 0.25, seed: 42, stratify: false });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([600, 150, 250]);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const again = splitIndices(1000, { validation: 0.15, test: 0.25, seed: 42, stratify: false });
    expect(Array.from(again.test)).toEqual(Array.from(s.test));
    const other = splitIndices(1000, { validation: 0.15, test: 0.25, seed: 43, stratify: false });
    expect(Array.from(other.test)).not.toEqual(Array.from(s.test));
  });

  it('keeps class proportions when stratified', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : 1));
    const s = splitIndices(1000, { validation: 0.1, test: 0.2, seed: 5, stratify: true }, labels);
    const ones = (idx: Uint32Array): number => Array.from(idx).filter((i) => labels[i] === 1).length;
    expect([ones(s.train), ones(s.validation), ones(s.test)]).toEqual([70, 10, 20]);
    expect(s.test.length).toBe(200);
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => splitIndices(10, { validation: 0.5, test: 0.5, seed: 1, stratify: false })).toThrow(RangeError);
  });
});

describe('kFold', () => {
  it('gives k disjoint validation folds covering all rows, balanced by class', () => {
    const labels = Int32Array.from({ length: 103 }, (_, i) => i % 3);
    const folds = kFold(103, 5, 9, labels);
    expect(folds).toHaveLength(5);
    const seen = new Set<number>();
    for (const f of folds) {
      expect(f.train.length + f.validation.length).toBe(103);
      expect(f.validation.length === 20 || f.validation.length === 21).toBe(true);
      for (const i of f.validation) seen.add(i);
      for (const i of f.validation) expect(f.train.includes(i)).toBe(false);
      for (let c = 0; c < 3; c++) {
        const n = Array.from(f.validation).filter((i) => labels[i] === c).length;
        expect(n).toBeGreaterThanOrEqual(6);
        expect(n).toBeLessThanOrEqual(8);
      }
    }
    expect(seen.size).toBe(103);
    expect(() => kFold(3, 4, 1)).toThrow(RangeError);
  });
});
