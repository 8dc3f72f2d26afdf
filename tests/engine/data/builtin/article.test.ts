import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fromScratchXor,
  x1Blobs,
  x1BlobsRaw,
  x2ThreeFeaturesRaw,
  x3ThreeGaussians,
  x3ThreeGaussiansRaw,
  x4LShape,
  x4LShapeRaw,
  x5Parabola,
  x5ParabolaRaw,
  x5ParabolaTest,
} from '../../../../src-engine/data/builtin/article.ts';
import { classLabels } from '../../../../src-engine/data/dataset.ts';

const ref = JSON.parse(
  readFileSync(new URL('../../../fixtures/builtin/numpy-reference.json', import.meta.url), 'utf8'),
);
const D = ref.datasets;

/**
 * Float64 generator output vs NumPy. These fixtures match bit for bit; a normal can in principle be one
 * ulp off where the C library's log is not correctly rounded (see exact-log.ts), and the scaler would
 * propagate that, so allow a few ulps on a handful of values.
 */
function expectNear(actual: ArrayLike<number>, expected: number[], tol = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let exact = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    if (actual[i] === expected[i]) exact++;
  }
  expect(worst).toBeLessThanOrEqual(tol);
  expect(exact / expected.length).toBeGreaterThan(0.97);
}

/** The float32 dataset is the float64 reference rounded (allowing a float32 ulp where a double ulp flips rounding). */
function expectFloat32Of(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  let off = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.fround(expected[i]!);
    if (actual[i] !== e) {
      off++;
      expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(Math.abs(e) * 2 ** -23);
    }
  }
  expect(off).toBeLessThanOrEqual(1);
}

describe('from-scratch-xor', () => {
  it('is the article table', () => {
    const ds = fromScratchXor();
    expect(ds.rows).toBe(4);
    expect(ds.features).toBe(3);
    expect(ds.task).toBe('binary');
    expect(Array.from(ds.x)).toEqual([0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(ds.y)).toEqual([0, 1, 1, 0]);
    expect(ds.targets).toBe(1);
  });
});

describe('x1-blobs (Listing 1)', () => {
  const raw = x1BlobsRaw();
  it('labels are the article choice((0, 1)) draws', () => {
    expect(Array.from(raw.labels)).toEqual(D['x1-blobs'].y);
  });
  it('features before and after StandardScaler match NumPy/sklearn', () => {
    expectNear(raw.unscaled, D['x1-blobs'].x_raw);
    expectNear(raw.x, D['x1-blobs'].x);
    // Spot values, written out: first row and last row.
    const x = D['x1-blobs'].x as number[];
    expect(raw.x[0]).toBeCloseTo(x[0]!, 14);
    expect(raw.x[59]).toBeCloseTo(x[59]!, 14);
  });
  it('dataset is the float32 of the reference, binary with one 0/1 column', () => {
    const ds = x1Blobs();
    expect(ds.rows).toBe(30);
    expect(ds.features).toBe(2);
    expect(ds.targets).toBe(1);
    expect(ds.task).toBe('binary');
    expect(ds.classNames).toEqual(['0', '1']);
    expectFloat32Of(ds.x, D['x1-blobs'].x);
    expect(Array.from(ds.y)).toEqual(D['x1-blobs'].y);
  });
  it('standardised: column means ~0, population std ~1', () => {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      let s2 = 0;
      for (let r = 0; r < 30; r++) {
        s += raw.x[r * 2 + c]!;
        s2 += raw.x[r * 2 + c]! ** 2;
      }
      expect(Math.abs(s / 30)).toBeLessThan(1e-12);
      expect(s2 / 30).toBeCloseTo(1, 12);
    }
  });
});

describe('x2-three-features (assumed recipe)', () => {
  it('matches the same recipe run in NumPy', () => {
    const raw = x2ThreeFeaturesRaw();
    expect(raw.features).toBe(3);
    expect(Array.from(raw.labels)).toEqual(D['x2-three-features'].y);
    expectNear(raw.x, D['x2-three-features'].x);
  });
});

describe('x3-three-gaussians (Listing 13)', () => {
  it('matches NumPy before and after scaling, with sklearn mean_ / scale_', () => {
    const raw = x3ThreeGaussiansRaw();
    expectNear(raw.unscaled, D['x3-three-gaussians'].x_raw);
    expectNear(raw.x, D['x3-three-gaussians'].x);
    expectNear(raw.scaler.mean, D['x3-three-gaussians'].mean);
    expectNear(raw.scaler.scale, D['x3-three-gaussians'].scale);
  });
  it('is multiclass one-hot with classes "1", "2", "3" (y3 - 1)', () => {
    const ds = x3ThreeGaussians();
    expect(ds.rows).toBe(150);
    expect(ds.targets).toBe(3);
    expect(ds.task).toBe('multiclass');
    expect(ds.classNames).toEqual(['1', '2', '3']);
    expect(Array.from(classLabels(ds))).toEqual((D['x3-three-gaussians'].y as number[]).map((v) => v - 1));
    for (let r = 0; r < ds.rows; r++) expect(ds.y[r * 3]! + ds.y[r * 3 + 1]! + ds.y[r * 3 + 2]!).toBe(1);
    expectFloat32Of(ds.x, D['x3-three-gaussians'].x);
  });
});

describe('x4-l-shape (Listing 17)', () => {
  it('keeps exactly the rows NumPy keeps, bit for bit after scaling', () => {
    const raw = x4LShapeRaw();
    const d = D['x4-l-shape'];
    expect(raw.rows).toBe(d.rows);
    expect(Array.from(raw.labels)).toEqual(d.y);
    let pos = 0;
    for (const l of raw.labels) pos += l;
    expect(pos).toBe(d.n_pos);
    expect(Array.from(raw.x)).toEqual(d.x);
  });
  it('dataset: binary, float32 of the reference', () => {
    const ds = x4LShape();
    expect(ds.rows).toBe(D['x4-l-shape'].rows);
    expect(ds.task).toBe('binary');
    expect(Array.from(ds.x)).toEqual((D['x4-l-shape'].x as number[]).map(Math.fround));
  });
});

describe('x5-parabola (Listings 25, 27)', () => {
  it('X5 = linspace(0, 1, 100), y5 = -(X5 - 0.5)**2 + 0.25, bit for bit', () => {
    const raw = x5ParabolaRaw();
    expect(Array.from(raw.x)).toEqual(D['x5-parabola'].x);
    expect(Array.from(raw.y)).toEqual(D['x5-parabola'].y);
    const ds = x5Parabola();
    expect(ds.task).toBe('regression');
    expect(ds.rows).toBe(100);
    expect(ds.features).toBe(1);
    expect(ds.targetNames).toEqual(['y']);
    expect(ds.featureNames).toEqual(['x']);
  });
  it('X5_test = linspace(0, 1, 1000)', () => {
    const t = x5ParabolaTest();
    expect(t.rows).toBe(1000);
    expect(Array.from(t.x)).toEqual((D['x5-parabola'].x_test as number[]).map(Math.fround));
    expect(Array.from(t.y)).toEqual((D['x5-parabola'].y_test as number[]).map(Math.fround));
  });
});
