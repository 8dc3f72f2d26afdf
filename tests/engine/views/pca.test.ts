/**
 * The engine's PCA against scikit-learn (tests/fixtures/views/pca.json, made by make_pca.py there), and
 * the 2-D projection view built on it: a layer's activations (or the inputs) on PC1 and PC2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pca, projectRows } from '../../../src-engine/views/pca.ts';
import { projectableLayers, projection2d } from '../../../src-engine/views/projection.ts';
import { planViews } from '../../../src-engine/views/plan.ts';
import { compiled } from '../../../src-engine/model/compile.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { classLabels } from '../../../src-engine/data/dataset.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { trainTemplate } from './util.ts';

const golden = JSON.parse(readFileSync(new URL('../../fixtures/views/pca.json', import.meta.url), 'utf8')) as {
  rows: number;
  cols: number;
  x: number[];
  mean: number[];
  components: number[][];
  explained_variance_ratio: number[];
  explained_variance: number[];
  transformed: number[][];
};

describe('pca', () => {
  const x = Float64Array.from(golden.x);
  const { rows, cols } = golden;
  for (const [name, opts] of [
    ['fixed start', {}],
    ['seeded start', { rng: new SeededRng(3) }],
  ] as const) {
    it(`matches scikit-learn's axes, variances and coordinates (${name})`, () => {
      const p = pca(x, rows, cols, 3, opts);
      for (let c = 0; c < cols; c++) expect(p.mean[c]).toBeCloseTo(golden.mean[c]!, 10);
      const signs: number[] = [];
      for (let a = 0; a < 3; a++) {
        const ours = Array.from(p.axes.subarray(a * cols, (a + 1) * cols));
        const theirs = golden.components[a]!;
        // An axis is defined up to its sign: compare after aligning it.
        const dot = ours.reduce((s, v, c) => s + v * theirs[c]!, 0);
        const sign = Math.sign(dot);
        signs.push(sign);
        expect(Math.abs(dot)).toBeCloseTo(1, 8);
        for (let c = 0; c < cols; c++) expect(sign * ours[c]!).toBeCloseTo(theirs[c]!, 6);
        expect(p.variance[a]! / p.totalVariance).toBeCloseTo(golden.explained_variance_ratio[a]!, 8);
        // Population variance (ours) against scikit-learn's sample variance (n - 1).
        expect((p.variance[a]! * rows) / (rows - 1)).toBeCloseTo(golden.explained_variance[a]!, 6);
      }
      const coords = projectRows(x, rows, cols, p);
      golden.transformed.forEach((row, r) =>
        row.forEach((v, a) => expect(signs[a]! * coords[r * 3 + a]!).toBeCloseTo(v, 4)),
      );
    });
  }

  it('gives the same axes every time and a sign with the largest component positive', () => {
    const a = pca(Float64Array.from(golden.x), golden.rows, golden.cols, 2, { rng: new SeededRng(9) });
    const b = pca(Float64Array.from(golden.x), golden.rows, golden.cols, 2, { rng: new SeededRng(9) });
    expect(Array.from(a.axes)).toEqual(Array.from(b.axes));
    for (let k = 0; k < 2; k++) {
      const ax = Array.from(a.axes.subarray(k * golden.cols, (k + 1) * golden.cols));
      const big = ax.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(big).toBeGreaterThan(0);
    }
  });
});

describe('projection2d', () => {
  it('projects a hidden layer: the layer activations on their own two leading axes, labels from the data', async () => {
    const { ds, backend } = await trainTemplate('x4-relu-hidden', 20);
    const layers = projectableLayers(backend);
    expect(layers.length).toBeGreaterThan(0);
    const layer = layers[0]!;
    const p = projection2d(backend, ds, layer.nodeId);
    expect(p.rows).toBe(ds.rows);
    expect(p.units).toBe(layer.units);
    const acts = backend.runForward(ds.x, ds.rows, [backend.forward.values.get(layer.nodeId)!])[0]!;
    const ref = pca(acts, ds.rows, layer.units, 2, { rng: new SeededRng(1) });
    const coords = projectRows(acts, ds.rows, layer.units, ref);
    for (let r = 0; r < ds.rows; r += 7) {
      expect(p.points[2 * r]).toBeCloseTo(coords[2 * r]!, 4);
      expect(p.points[2 * r + 1]).toBeCloseTo(coords[2 * r + 1]!, 4);
    }
    expect(Array.from(p.labels)).toEqual(Array.from(classLabels(ds)));
    expect(p.explained[0]).toBeGreaterThanOrEqual(p.explained[1]);
    expect(p.explained[0] + p.explained[1]).toBeLessThanOrEqual(1 + 1e-6);
    // The same call twice draws the same picture (a live view does not flip).
    expect(Array.from(projection2d(backend, ds, layer.nodeId).points)).toEqual(Array.from(p.points));
    // The inputs themselves.
    const inputs = projection2d(backend, ds, null);
    expect(inputs.units).toBe(ds.features);
    // Axes found once are reused as given (the inputs do not change while a model trains).
    const again = projection2d(backend, ds, null, { basis: inputs.basis });
    expect(again.basis).toBe(inputs.basis);
    expect(Array.from(again.points)).toEqual(Array.from(inputs.points));
    // A basis of another width is not used.
    expect(projection2d(backend, ds, layer.nodeId, { basis: inputs.basis }).basis).not.toBe(inputs.basis);
    expect(() => projection2d(backend, ds, 'nope')).toThrow(/'nope' cannot be projected.*layers that can: /);
  });

  it('is planned for classifiers with more inputs than a plane shows (the 784-pixel digits), not for two', () => {
    expect(planViews(compiled(getTemplate('digits').graph).forward).projection).toBe(true);
    expect(planViews(compiled(getTemplate('x4-relu-hidden').graph).forward).projection).toBe(false);
  });
});
