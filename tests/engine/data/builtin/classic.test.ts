import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  circleRaw,
  gaussianBlobsRaw,
  twoSpiralsRaw,
  xorQuadrantsRaw,
} from '../../../../src-engine/data/builtin/classic.ts';
import type { RawClassification } from '../../../../src-engine/data/builtin/make.ts';
import { getBuiltinDataset } from '../../../../src-engine/data/builtin/index.ts';
import { classLabels } from '../../../../src-engine/data/dataset.ts';

const ref = JSON.parse(
  readFileSync(new URL('../../../fixtures/builtin/numpy-reference.json', import.meta.url), 'utf8'),
);
const C = ref.classic;

function expectMatches(raw: RawClassification, name: string): void {
  const e = C[name];
  expect(Array.from(raw.labels)).toEqual(e.y);
  expect(raw.x.length).toBe(e.x.length);
  // cos / sin / log may differ from NumPy's libm by an ulp; the random stream itself is exact.
  for (let i = 0; i < e.x.length; i++) expect(Math.abs(raw.x[i]! - e.x[i]!)).toBeLessThanOrEqual(1e-14);
}

describe('classic generators match their NumPy twins', () => {
  it('circle', () => {
    const p = C.circle.params;
    expectMatches(circleRaw(p.n, p.noise, p.seed), 'circle');
  });
  it('xor-quadrants', () => {
    const p = C['xor-quadrants'].params;
    expectMatches(xorQuadrantsRaw(p.n, p.noise, p.seed), 'xor-quadrants');
  });
  it('two-spirals', () => {
    const p = C['two-spirals'].params;
    expectMatches(twoSpiralsRaw(p.n, p.noise, p.turns, p.seed), 'two-spirals');
  });
  it('gaussian-blobs', () => {
    const p = C['gaussian-blobs'].params;
    expectMatches(gaussianBlobsRaw(p.n, p.k, p.noise, p.seed), 'gaussian-blobs');
  });
});

describe('classic generators: shape and behaviour', () => {
  it('are deterministic per seed and change with the seed', () => {
    for (const id of ['circle', 'xor-quadrants', 'two-spirals', 'gaussian-blobs']) {
      const a = getBuiltinDataset(id, { seed: 5 });
      const b = getBuiltinDataset(id, { seed: 5 });
      const c = getBuiltinDataset(id, { seed: 6 });
      expect(a.x).toEqual(b.x);
      expect(a.x).not.toEqual(c.x);
    }
  });

  it('noise = 0 gives clean geometry (circle radii, xor quadrants)', () => {
    const c = getBuiltinDataset('circle', { n: 400, noise: 0 });
    const lc = classLabels(c);
    for (let i = 0; i < c.rows; i++) {
      const r = Math.hypot(c.x[2 * i]!, c.x[2 * i + 1]!);
      if (lc[i] === 1) expect(r).toBeLessThan(0.5 + 1e-6);
      else expect(r >= 0.7 - 1e-6 && r < 1 + 1e-6).toBe(true);
    }
    const x = getBuiltinDataset('xor-quadrants', { n: 400, noise: 0 });
    const lx = classLabels(x);
    for (let i = 0; i < x.rows; i++) expect(lx[i]).toBe(x.x[2 * i]! > 0 !== x.x[2 * i + 1]! > 0 ? 1 : 0);
  });

  it('classes are balanced and interleaved; blobs are one-hot with k classes', () => {
    const s = getBuiltinDataset('two-spirals', { n: 301 });
    expect(s.rows).toBe(301);
    const ls = classLabels(s);
    expect(ls[0]).toBe(0);
    expect(ls[1]).toBe(1);
    const g = getBuiltinDataset('gaussian-blobs', { n: 100, k: 5 });
    expect(g.task).toBe('multiclass');
    expect(g.targets).toBe(5);
    expect(g.classNames).toEqual(['0', '1', '2', '3', '4']);
    const counts = new Array(5).fill(0);
    for (const l of classLabels(g)) counts[l]++;
    expect(counts).toEqual([20, 20, 20, 20, 20]);
  });

  // Its speed is measured by npm run bench (no timed assertions in tests).
  it('makes 1e6 points', () => {
    const d = getBuiltinDataset('two-spirals', { n: 1_000_000 });
    expect(d.rows).toBe(1_000_000);
    expect(d.x.length).toBe(2_000_000);
  });
});
