/** Hidden-space and 3-D feature views, the separating planes in them, PCA and plane clipping. */
import { beforeAll, describe, expect, it } from 'vitest';
import { featureSpace3d, hiddenSpace, planeInBox, predictedClasses } from '../../../src-engine/views/hidden-space.ts';
import { covariance, pca, projectRows } from '../../../src-engine/views/pca.ts';
import { ViewError } from '../../../src-engine/views/source.ts';
import { trainTemplate, type Trained } from './util.ts';

let x4: Trained;
beforeAll(async () => {
  x4 = await trainTemplate('x4-relu-hidden', 600);
});

const side = (p: { normal: number[]; offset: number }, pts: Float32Array, r: number) =>
  p.normal[0]! * pts[3 * r]! + p.normal[1]! * pts[3 * r + 1]! + p.normal[2]! * pts[3 * r + 2]! + p.offset;

describe('hiddenSpace', () => {
  it('maps X4 into the three ReLU activations, and the output plane splits them as the model does (Figure 20)', () => {
    const hs = hiddenSpace(x4.backend, x4.ds, 'hidden');
    expect(hs.method).toBe('exact');
    expect(hs.units).toBe(3);
    const w = x4.backend.getWeights();
    const W = w.get('hidden.W')!.data;
    const b = w.get('hidden.b')!.data;
    for (const r of [0, 17, 600, x4.ds.rows - 1]) {
      for (let k = 0; k < 3; k++) {
        const a = Math.max(0, x4.ds.x[2 * r]! * W[k]! + x4.ds.x[2 * r + 1]! * W[3 + k]! + b[k]!);
        expect(hs.points[3 * r + k]).toBeCloseTo(a, 5);
      }
    }
    expect(hs.planes).toHaveLength(1);
    const plane = hs.planes[0]!;
    expect(plane.exact).toBe(true);
    const Wo = w.get('output.W')!.data;
    expect(plane.normal[1]).toBeCloseTo(Wo[1]!, 6);
    expect(plane.offset).toBeCloseTo(w.get('output.b')!.data[0]!, 6);
    const pred = predictedClasses(x4.backend.forward, x4.backend.predict(x4.ds.x, x4.ds.rows), x4.ds.rows);
    for (let r = 0; r < x4.ds.rows; r++) {
      const s = side(plane, hs.points, r);
      if (Math.abs(s) > 1e-5) expect(s > 0 ? 1 : 0).toBe(pred[r]);
      expect(hs.predicted[r]).toBe(pred[r]);
    }
    for (let k = 0; k < 3; k++) expect(hs.box.min[k]).toBeGreaterThanOrEqual(0);
  });

  it('shows that a linear hidden layer keeps the data on a plane spanned by v1, v2 (Figure 25)', async () => {
    const lin = await trainTemplate('x4-linear-hidden', 200);
    const hs = hiddenSpace(lin.backend, lin.ds, 'hidden');
    const W = lin.backend.getWeights().get('hidden.W')!.data;
    expect(hs.inputVectors).toHaveLength(2);
    expect(hs.inputVectors![1]!.vector).toEqual([W[3], W[4], W[5]].map((v) => expect.closeTo(v!, 6)));
    // the points have rank 2: the third principal variance vanishes
    const p = pca(hs.points, hs.rows, 3, 3);
    expect(p.variance[2]! / p.totalVariance).toBeLessThan(1e-6);
    expect(hiddenSpace(x4.backend, x4.ds, 'hidden').inputVectors).toBeNull();
  });

  it('projects a wider layer by PCA or its first three units', async () => {
    const c = await trainTemplate('circle', 10);
    const hs = hiddenSpace(c.backend, c.ds, 'hidden2');
    expect(hs.method).toBe('pca');
    expect(hs.axisNames).toEqual(['PC1', 'PC2', 'PC3']);
    const [e1, e2, e3] = hs.explained!;
    expect(e1).toBeGreaterThanOrEqual(e2);
    expect(e2).toBeGreaterThanOrEqual(e3);
    expect(e1 + e2 + e3).toBeLessThanOrEqual(1 + 1e-9);
    expect(hs.planes[0]!.exact).toBe(false);
    // PCA coordinates are centred
    for (let k = 0; k < 3; k++) {
      let m = 0;
      for (let r = 0; r < hs.rows; r++) m += hs.points[3 * r + k]!;
      expect(Math.abs(m / hs.rows)).toBeLessThan(1e-4);
    }
    const f3 = hiddenSpace(c.backend, c.ds, 'hidden2', { method: 'first3' });
    const [acts] = c.backend.runForward(c.ds.x, c.ds.rows, [c.backend.forward.values.get('hidden2')!]);
    expect(f3.points[3 * 5 + 2]).toBeCloseTo(acts![8 * 5 + 2]!, 6);
    expect(() => hiddenSpace(c.backend, c.ds, 'hidden2', { method: 'exact' })).toThrow(ViewError);
    expect(() => hiddenSpace(c.backend, c.ds, 'nope')).toThrow(/no layer 'nope'/);
  });
});

describe('featureSpace3d', () => {
  it('gives three-feature data with the sigmoid neuron plane (Figure 10)', async () => {
    const s3 = await trainTemplate('sigmoid-neuron-3d', 300);
    const v = featureSpace3d(s3.backend, s3.ds);
    expect(v.planes).toHaveLength(1);
    const W = s3.backend.getWeights().get('output.W')!.data;
    expect(v.planes[0]!.normal).toEqual([W[0], W[1], W[2]].map((x) => expect.closeTo(x!, 6)));
    for (let r = 0; r < v.rows; r++) {
      const s = side(v.planes[0]!, v.points, r);
      if (Math.abs(s) > 1e-5) expect(s > 0 ? 1 : 0).toBe(v.predicted[r]);
    }
    expect(() => featureSpace3d(x4.backend, x4.ds)).toThrow(/three features/);
  });
});

describe('pca', () => {
  it('recovers known principal axes and variances', () => {
    // Points ±3u ±2v ±1w over the 8 sign patterns: covariance 9 uu' + 4 vv' + ww' exactly.
    const u = [1 / 3, 2 / 3, 2 / 3];
    const v = [2 / 3, 1 / 3, -2 / 3];
    const w = [2 / 3, -2 / 3, 1 / 3];
    const x: number[] = [];
    for (let s = 0; s < 8; s++) {
      const a = s & 1 ? 3 : -3,
        b = s & 2 ? 2 : -2,
        c = s & 4 ? 1 : -1;
      for (let k = 0; k < 3; k++) x.push(5 + a * u[k]! + b * v[k]! + c * w[k]!);
    }
    const p = pca(x, 8, 3, 3);
    expect(Array.from(p.mean)).toEqual([5, 5, 5].map((m) => expect.closeTo(m, 9)));
    expect(Array.from(p.variance)).toEqual([9, 4, 1].map((m) => expect.closeTo(m, 8)));
    expect(p.totalVariance).toBeCloseTo(14, 9);
    // u's largest components are positive, so the sign convention keeps it as it is; v and w up to sign
    expect(Array.from(p.axes.subarray(0, 3))).toEqual(u.map((m) => expect.closeTo(m, 8)));
    const sv = Math.sign(p.axes[3]!);
    const sw = Math.sign(p.axes[6]!);
    expect(Array.from(p.axes.subarray(3, 6))).toEqual(v.map((m) => expect.closeTo(sv * m, 8)));
    expect(Array.from(p.axes.subarray(6, 9))).toEqual(w.map((m) => expect.closeTo(sw * m, 8)));
    const proj = projectRows(x, 8, 3, p);
    expect(proj[0]).toBeCloseTo(-3, 5);
    expect(proj[1]).toBeCloseTo(-2 * sv, 5);
    // a clear largest component is made positive, whatever the data's orientation
    const q = pca([0, 0, 1, -3, 0, 0, -1, 3], 4, 2, 1);
    expect(q.axes[1]).toBeCloseTo(0.9486833, 6);
  });

  it('matches numpy on a correlated sample and handles zero-variance directions', () => {
    const x = [2.5, 2.4, 0.5, 0.7, 2.2, 2.9, 1.9, 2.2, 3.1, 3.0, 2.3, 2.7, 2, 1.6, 1, 1.1, 1.5, 1.6, 1.1, 0.9];
    const { cov } = covariance(x, 10, 2);
    // numpy: np.cov(X.T, bias=True) and np.linalg.eigh
    expect(cov[0]).toBeCloseTo(0.5549, 4);
    expect(cov[1]).toBeCloseTo(0.5539, 4);
    expect(cov[3]).toBeCloseTo(0.6449, 4);
    const p = pca(x, 10, 2, 2);
    expect(p.variance[0]).toBeCloseTo(1.15562494, 6);
    expect(p.variance[1]).toBeCloseTo(0.04417506, 6);
    expect(Math.abs(p.axes[0]!)).toBeCloseTo(0.6778734, 5);
    expect(Math.abs(p.axes[1]!)).toBeCloseTo(0.73517866, 5);
    const flat = pca([1, 2, 3, 1, 2, 3, 1, 2, 3], 3, 3, 3);
    expect(Array.from(flat.variance)).toEqual([0, 0, 0]);
    for (const a of flat.axes) expect(Number.isFinite(a)).toBe(true);
  });
});

describe('planeInBox', () => {
  const box = { min: [0, 0, 0] as [number, number, number], max: [1, 1, 1] as [number, number, number] };
  it('cuts a square from a box with a horizontal plane and a hexagon with the diagonal one', () => {
    const sq = planeInBox({ normal: [0, 0, 2], offset: -1 }, box);
    expect(sq.length).toBe(12);
    for (let k = 0; k < 4; k++) expect(sq[3 * k + 2]).toBeCloseTo(0.5, 6);
    const hex = planeInBox({ normal: [1, 1, 1], offset: -1.5 }, box);
    expect(hex.length).toBe(18);
    // in order around the polygon: consecutive vertices are one hexagon side apart (sqrt(0.5))
    for (let k = 0; k < 6; k++) {
      const a = hex.subarray(3 * k, 3 * k + 3),
        b = hex.subarray(3 * ((k + 1) % 6), 3 * ((k + 1) % 6) + 3);
      expect(Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)).toBeCloseTo(Math.SQRT1_2, 5);
    }
    expect(planeInBox({ normal: [1, 0, 0], offset: -3 }, box).length).toBe(0);
  });
});
