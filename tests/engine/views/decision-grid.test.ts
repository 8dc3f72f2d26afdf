/** The decision grid: layout, agreement with the model at the data, slices, bounds and weight arrows. */
import { beforeAll, describe, expect, it } from 'vitest';
import { classLabels, type Dataset } from '../../../src-engine/data/dataset.ts';
import { boundaryContour } from '../../../src-engine/views/contour.ts';
import {
  dataBounds,
  decisionGrid,
  nearestCell,
  planeInputs,
  resolvePlane,
  weightArrows,
} from '../../../src-engine/views/decision-grid.ts';
import { predictedClasses } from '../../../src-engine/views/hidden-space.ts';
import { ViewError } from '../../../src-engine/views/source.ts';
import { trainTemplate, type Trained } from './util.ts';

let x4: Trained;
beforeAll(async () => {
  x4 = await trainTemplate('x4-relu-hidden', 600);
});

describe('decisionGrid', () => {
  it('is not uniform on X4, and its classes at the data points match the model', () => {
    const g = decisionGrid(x4.backend, { bounds: [-2, 2, -2, 2], resolution: 200 });
    expect(g.task).toBe('binary');
    expect(g.nx * g.ny).toBe(40000);
    let ones = 0;
    for (const c of g.predicted) ones += c;
    expect(ones / 40000).toBeGreaterThan(0.2);
    expect(ones / 40000).toBeLessThan(0.8);
    const ds = x4.ds;
    const labels = classLabels(ds);
    const modelPred = predictedClasses(x4.backend.forward, x4.backend.predict(ds.x, ds.rows), ds.rows);
    let agree = 0;
    let gridCorrect = 0;
    let modelCorrect = 0;
    for (let r = 0; r < ds.rows; r++) {
      const c = g.predicted[nearestCell(g, ds.x[2 * r]!, ds.x[2 * r + 1]!)]!;
      if (c === modelPred[r]) agree++;
      if (c === labels[r]) gridCorrect++;
      if (modelPred[r] === labels[r]) modelCorrect++;
    }
    expect(modelCorrect / ds.rows).toBeGreaterThan(0.95);
    expect(agree / ds.rows).toBeGreaterThan(0.98);
    expect(Math.abs(gridCorrect - modelCorrect) / ds.rows).toBeLessThan(0.01);
  });

  it('lays nodes out x-fastest from bounds to bounds, and intensity is the predicted class probability', () => {
    const g = decisionGrid(x4.backend, { bounds: [-2, 2, -1, 3], resolution: 5 });
    expect(Array.from(g.xs)).toEqual([-2, -1, 0, 1, 2]);
    expect(Array.from(g.ys)).toEqual([-1, 0, 1, 2, 3]);
    const probe = new Float32Array([g.xs[3]!, g.ys[1]!, g.xs[0]!, g.ys[4]!]);
    const p = x4.backend.predict(probe, 2);
    expect(g.values[1 * 5 + 3]).toBeCloseTo(p[0]!, 6);
    expect(g.values[4 * 5 + 0]).toBeCloseTo(p[1]!, 6);
    for (let c = 0; c < 25; c++) {
      const v = g.values[c]!;
      expect(g.predicted[c]).toBe(v >= 0.5 ? 1 : 0);
      expect(g.intensity[c]).toBeCloseTo(v >= 0.5 ? v : 1 - v, 6);
      expect(g.intensity[c]).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('draws the 0.5 contour where the model gives 0.5', () => {
    const g = decisionGrid(x4.backend, { bounds: [-2, 2, -2, 2], resolution: 150 });
    const [c] = boundaryContour(g);
    expect(c!.class).toBeNull();
    const pts = c!.lines.flatMap((l) => Array.from(l.points));
    expect(pts.length / 2).toBeGreaterThan(100);
    const p = x4.backend.predict(Float32Array.from(pts), pts.length / 2);
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i]! - 0.5));
    expect(worst).toBeLessThan(0.06);
  });

  it('takes its default window from the data', () => {
    const g = decisionGrid(x4.backend, { dataset: x4.ds, resolution: 10 });
    expect(g.bounds).toEqual(dataBounds(x4.ds, [0, 1], 0.1));
  });

  it('refuses a bad feature, bounds or resolution with a ViewError', () => {
    expect(() => decisionGrid(x4.backend, { bounds: [-1, 1, -1, 1], features: [0, 2] })).toThrow(
      /Feature index 2 is out of range/,
    );
    expect(() => decisionGrid(x4.backend, { bounds: [1, -1, -1, 1] })).toThrow(ViewError);
    expect(() => decisionGrid(x4.backend, { bounds: [-1, 1, -1, 1], resolution: 1 })).toThrow(/resolution/);
    expect(() => decisionGrid(x4.backend, {})).toThrow(/needs bounds or a dataset/);
  });
});

describe('slices of data with more than two features', () => {
  it('holds the other features at their means by default', async () => {
    const s3 = await trainTemplate('sigmoid-neuron-3d', 200);
    const ds = s3.ds;
    const g = decisionGrid(s3.backend, { dataset: ds, features: [0, 2], resolution: 7 });
    let mean = 0;
    for (let r = 0; r < ds.rows; r++) mean += ds.x[r * 3 + 1]!;
    mean /= ds.rows;
    expect(g.fixed[1]).toBeCloseTo(mean, 5);
    const x = planeInputs(g);
    expect(x[3 * 10 + 1]).toBeCloseTo(mean, 5);
    const row = new Float32Array([g.xs[2]!, mean, g.ys[5]!]);
    expect(g.values[5 * 7 + 2]).toBeCloseTo(s3.backend.predict(row, 1)[0]!, 6);
    const fixedGrid = decisionGrid(s3.backend, { dataset: ds, features: [0, 2], resolution: 7, fixed: [0, 5, 0] });
    expect(fixedGrid.values[5 * 7 + 2]).toBeCloseTo(
      s3.backend.predict(new Float32Array([g.xs[2]!, 5, g.ys[5]!]), 1)[0]!,
      6,
    );
  });
});

describe('dataBounds', () => {
  it('widens the data range by the margin, and gives a constant feature a unit window', () => {
    const ds: Dataset = {
      name: 't',
      x: new Float32Array([0, 5, 2, 5, 1, 5]),
      y: new Float32Array(3),
      rows: 3,
      features: 2,
      targets: 1,
      task: 'binary',
      featureNames: ['a', 'b'],
    };
    const b = dataBounds(ds, [0, 1], 0.25);
    expect(b[0]).toBeCloseTo(-0.5);
    expect(b[1]).toBeCloseTo(2.5);
    expect(b[2]).toBeCloseTo(4.75);
    expect(b[3]).toBeCloseTo(5.25);
  });
});

describe('weightArrows', () => {
  it('draws w_j - w_i normal to each softmax boundary, on the boundary, pointing to class j', async () => {
    const sm = await trainTemplate('softmax-3', 400);
    const fwd = sm.backend.forward;
    const arrows = weightArrows(sm.backend.getWeights(), fwd)!;
    expect(arrows.map((a) => a.label)).toEqual(['w2-w1', 'w3-w1', 'w3-w2']);
    const W = sm.backend.getWeights().get('output.W')!.data;
    expect(arrows[2]!.dx).toBeCloseTo(W[2]! - W[1]!, 6);
    expect(arrows[2]!.dy).toBeCloseTo(W[5]! - W[4]!, 6);
    for (const a of arrows) {
      const [i, j] = a.classes;
      const len = Math.hypot(a.dx, a.dy);
      const probe = new Float32Array([a.x, a.y, a.x + (0.05 * a.dx) / len, a.y + (0.05 * a.dy) / len]);
      const [z] = sm.backend.runForward(probe, 2, [fwd.logits]);
      expect(Math.abs(z![i]! - z![j]!)).toBeLessThan(1e-4);
      expect(z![3 + j]! - z![3 + i]!).toBeGreaterThan(0);
    }
  });

  it('anchors each softmax arrow where its two classes are the top two, inside the window', async () => {
    const sm = await trainTemplate('softmax-3', 400);
    const fwd = sm.backend.forward;
    const bounds = dataBounds(sm.ds, [0, 1]);
    const arrows = weightArrows(sm.backend.getWeights(), fwd, {
      center: [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2],
      bounds,
    })!;
    let checked = 0;
    for (const a of arrows) {
      if (!a.onBoundary) continue;
      checked++;
      const [i, j] = a.classes;
      expect(a.x).toBeGreaterThanOrEqual(bounds[0] - 1e-6);
      expect(a.x).toBeLessThanOrEqual(bounds[1] + 1e-6);
      expect(a.y).toBeGreaterThanOrEqual(bounds[2] - 1e-6);
      expect(a.y).toBeLessThanOrEqual(bounds[3] + 1e-6);
      const [z] = sm.backend.runForward(new Float32Array([a.x, a.y]), 1, [fwd.logits]);
      expect(Math.abs(z![i]! - z![j]!)).toBeLessThan(1e-4);
      // No third class wins at the anchor: it is on the drawn boundary between i and j.
      for (let k = 0; k < 3; k++) if (k !== i && k !== j) expect(z![k]!).toBeLessThanOrEqual(z![i]! + 1e-4);
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    // An arrow is on a drawn boundary exactly when the grid shows its two classes side by side.
    const g = decisionGrid(sm.backend, { bounds, resolution: 120 });
    for (const a of arrows) {
      const [i, j] = a.classes;
      let touching = 0;
      for (let y = 0; y < g.ny; y++)
        for (let x = 0; x + 1 < g.nx; x++) {
          const p = g.predicted[y * g.nx + x]!;
          const q = g.predicted[y * g.nx + x + 1]!;
          if ((p === i && q === j) || (p === j && q === i)) touching++;
        }
      if (touching > 3) expect(a.onBoundary, a.label).toBe(true);
      if (!a.onBoundary) expect(touching, a.label).toBe(0);
    }
  });

  it('draws w for a sigmoid neuron, and nothing for a model with a hidden layer', async () => {
    const sn = await trainTemplate('sigmoid-neuron', 300);
    const [a] = weightArrows(sn.backend.getWeights(), sn.backend.forward, { center: [1, 1] })!;
    expect(a!.label).toBe('w');
    expect(sn.backend.predict(new Float32Array([a!.x, a!.y]), 1)[0]).toBeCloseTo(0.5, 5);
    // the foot is the boundary point nearest the centre: centre - foot is parallel to w
    expect((1 - a!.x) * a!.dy - (1 - a!.y) * a!.dx).toBeCloseTo(0, 5);
    expect(weightArrows(x4.backend.getWeights(), x4.backend.forward)).toBeNull();
  });

  it('resolves a plane for a model with more features and checks fixed values', () => {
    const p = resolvePlane(3, { bounds: [0, 1, 0, 1], resolution: 2, features: [2, 0] });
    expect(p.features).toEqual([2, 0]);
    expect(Array.from(planeInputs(p))).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
    expect(() => resolvePlane(3, { bounds: [0, 1, 0, 1], fixed: [1, 2] })).toThrow(/value for each of the 3 features/);
    expect(() => resolvePlane(1, { bounds: [0, 1, 0, 1] })).toThrow(/at least two input features/);
  });
});
