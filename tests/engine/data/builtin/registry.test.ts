import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  builtinDatasets,
  evaluationGridPoints,
  getBuiltinDataset,
  getBuiltinDatasetInfo,
  getBuiltinTestDataset,
} from '../../../../src-engine/data/builtin/index.ts';
import { arange } from '../../../../src-engine/data/builtin/make.ts';

const ref = JSON.parse(
  readFileSync(new URL('../../../fixtures/builtin/numpy-reference.json', import.meta.url), 'utf8'),
);

const IDS = [
  'from-scratch-xor',
  'x1-blobs',
  'x2-three-features',
  'x3-three-gaussians',
  'x4-l-shape',
  'x5-parabola',
  'circle',
  'xor-quadrants',
  'two-spirals',
  'gaussian-blobs',
];

describe('builtin dataset registry', () => {
  it('lists every dataset once, with sources and well-formed params', () => {
    expect(builtinDatasets.map((d) => d.id)).toEqual(IDS);
    for (const d of builtinDatasets) {
      expect(['from-scratch article', 'visual article', 'classic']).toContain(d.source);
      for (const p of d.params) {
        expect(p.min).toBeLessThanOrEqual(p.default);
        expect(p.default).toBeLessThanOrEqual(p.max);
        if (p.type === 'int') expect(Number.isInteger(p.default)).toBe(true);
        expect(p.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('every dataset generates a consistent Dataset with defaults', () => {
    for (const info of builtinDatasets) {
      const ds = getBuiltinDataset(info.id);
      expect(ds.name).toBe(info.id);
      expect(ds.task).toBe(info.task);
      expect(ds.x.length).toBe(ds.rows * ds.features);
      expect(ds.y.length).toBe(ds.rows * ds.targets);
      expect(ds.featureNames.length).toBe(ds.features);
      for (const v of ds.x) expect(Number.isFinite(v)).toBe(true);
      if (ds.task === 'binary') {
        expect(ds.targets).toBe(1);
        expect(ds.classNames?.length).toBe(2);
        for (const v of ds.y) expect(v === 0 || v === 1).toBe(true);
      } else if (ds.task === 'multiclass') {
        expect(ds.classNames?.length).toBe(ds.targets);
      } else {
        expect(ds.targetNames?.length).toBe(ds.targets);
      }
    }
  });

  it("the generated sets' sliders (points, noise) sit inside their parameter's range and regenerate the same points for the same settings", () => {
    const withSliders = builtinDatasets.filter((d) => d.params.some((p) => p.slider));
    expect(withSliders.map((d) => d.id)).toEqual(['circle', 'xor-quadrants', 'two-spirals', 'gaussian-blobs']);
    let checked = 0;
    for (const d of withSliders) {
      expect(d.params.filter((p) => p.slider).map((p) => p.name)).toEqual(['n', 'noise']);
      for (const p of d.params.filter((q) => q.slider)) {
        const s = p.slider!;
        expect(s.min).toBeGreaterThanOrEqual(p.min);
        expect(s.max).toBeLessThanOrEqual(p.max);
        expect(s.min).toBeLessThanOrEqual(p.default);
        expect(s.max).toBeGreaterThanOrEqual(p.default);
        expect(s.step).toBeGreaterThan(0);
      }
      const a = d.generate({ n: 730, noise: 0.37 });
      const b = d.generate({ n: 730, noise: 0.37 });
      expect(a.rows).toBe(730);
      expect(Array.from(a.x)).toEqual(Array.from(b.x));
      expect(Array.from(d.generate({ n: 730, noise: 0.38 }).x)).not.toEqual(Array.from(a.x));
      checked++;
    }
    expect(checked).toBe(4);
  });

  it('article defaults are the article datasets', () => {
    expect(getBuiltinDataset('x1-blobs').y).toEqual(Float32Array.from(ref.datasets['x1-blobs'].y));
    expect(getBuiltinDataset('x4-l-shape').rows).toBe(ref.datasets['x4-l-shape'].rows);
    expect(getBuiltinDataset('x5-parabola').rows).toBe(100);
    expect(getBuiltinTestDataset('x5-parabola').rows).toBe(1000);
    expect(getBuiltinTestDataset('x5-parabola', { testN: 50 }).rows).toBe(50);
  });

  it('throws clear errors naming the id / parameter', () => {
    expect(() => getBuiltinDataset('nope')).toThrow(/Unknown built-in dataset "nope".*x1-blobs/);
    expect(() => getBuiltinDataset('circle', { radius: 2 })).toThrow(/"circle" has no parameter "radius"/);
    expect(() => getBuiltinDataset('circle', { n: 1.5 })).toThrow(/"circle".*"n" must be an integer/);
    expect(() => getBuiltinDataset('circle', { n: 0 })).toThrow(/"circle".*"n" must be between 2 and/);
    expect(() => getBuiltinDataset('circle', { noise: Number.NaN })).toThrow(/"noise" must be a finite number/);
    expect(() => getBuiltinDataset('x1-blobs', { seed: -1 })).toThrow(/"x1-blobs".*"seed"/);
    expect(() => getBuiltinDataset('from-scratch-xor', { n: 3 })).toThrow(/no parameter "n" \(parameters: none\)/);
    expect(() => getBuiltinTestDataset('circle')).toThrow(/"circle" has no test set/);
    expect(() => getBuiltinDatasetInfo('x1-blob')).toThrow(/x1-blob/);
    // The info's own generate validates too.
    expect(() => getBuiltinDatasetInfo('circle').generate({ k: 3 })).toThrow(/"k"/);
  });

  it('evaluation grids follow np.arange / np.meshgrid', () => {
    expect(Array.from(arange(-2.3, 1.8, (1.8 - -2.3) / 500.0))).toEqual(ref.datasets.grid_axis_x1);
    expect(Array.from(arange(-2, 2, 4 / 500.0))).toEqual(ref.datasets.grid_axis_x4);
    const g = evaluationGridPoints(getBuiltinDatasetInfo('x4-l-shape').evaluationGrid!);
    expect(g.nx).toBe(500);
    expect(g.ny).toBe(500);
    expect(g.x.length).toBe(500 * 500 * 2);
    // x1 varies fastest (gx1.flatten()), x2 slowest.
    expect([g.x[0], g.x[1], g.x[2], g.x[3]]).toEqual([-2, -2, Math.fround(-2 + 0.008), -2]);
    expect(g.x[2 * 500 + 1]).toBe(Math.fround(-2 + 0.008));
  });
});
