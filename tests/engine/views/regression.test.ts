/** Regression views: the prediction curve and the hidden units' contributions (Figures 33-36). */
import { beforeAll, describe, expect, it } from 'vitest';
import { linspace, predictionCurve, unitContributions } from '../../../src-engine/views/regression.ts';
import { trainTemplate, type Trained } from './util.ts';

let x5: Trained;
beforeAll(async () => {
  x5 = await trainTemplate('x5-relu-10');
});

describe('predictionCurve', () => {
  it('is the model prediction on evenly spaced x and follows the parabola after training', () => {
    const c = predictionCurve(x5.backend, 0, 1, 1000);
    expect(c.xs[0]).toBe(0);
    expect(c.xs[999]).toBe(1);
    const p = x5.backend.predict(Float32Array.of(c.xs[250]!), 1);
    expect(c.ys[250]).toBeCloseTo(p[0]!, 6);
    let worst = 0;
    for (let i = 0; i < 1000; i++) worst = Math.max(worst, Math.abs(c.ys[i]! - (0.25 - (c.xs[i]! - 0.5) ** 2)));
    expect(worst).toBeLessThan(0.05);
  });

  it('refuses a bad feature, output or point count', () => {
    expect(() => predictionCurve(x5.backend, 0, 1, 10, { feature: 1 })).toThrow(/Feature index 1/);
    expect(() => predictionCurve(x5.backend, 0, 1, 10, { output: 2 })).toThrow(/Output index 2/);
    expect(() => linspace(0, 1, 0)).toThrow(/number of points/);
  });
});

describe('unitContributions', () => {
  it('splits the 10-ReLU prediction into unit terms that sum to it (to 1e-5)', () => {
    const u = unitContributions(x5.backend, { xMin: 0, xMax: 1, n: 1000 });
    expect(u.hiddenNodeId).toBe('hidden');
    expect(u.units).toBe(10);
    const w = x5.backend.getWeights();
    expect(u.bias).toBeCloseTo(w.get('output.b')!.data[0]!, 7);
    expect(Array.from(u.weights)).toEqual(Array.from(w.get('output.W')!.data));
    const pred = x5.backend.predict(u.xs, 1000);
    const Wh = w.get('hidden.W')!.data;
    const bh = w.get('hidden.b')!.data;
    for (let i = 0; i < 1000; i++) {
      let s = u.bias;
      for (let k = 0; k < 10; k++) s += u.contributions[k * 1000 + i]!;
      expect(Math.abs(s - pred[i]!)).toBeLessThan(1e-5);
      expect(Math.abs(u.sum[i]! - pred[i]!)).toBeLessThan(1e-5);
      expect(u.prediction[i]).toBe(u.logits[i]);
    }
    // row k is unit k's curve: a_k(x) = relu(W_k x + b_k) and its contribution w_k a_k(x)
    for (const [k, i] of [
      [0, 0],
      [3, 500],
      [9, 999],
    ] as const) {
      const a = Math.max(0, Wh[k]! * u.xs[i]! + bh[k]!);
      expect(u.activations[k * 1000 + i]).toBeCloseTo(a, 5);
      expect(u.contributions[k * 1000 + i]).toBeCloseTo(a * u.weights[k]!, 5);
    }
  });

  it('falls back to the inputs for a single-layer model (linear regression)', async () => {
    const lin = await trainTemplate('x5-linear', 50);
    const u = unitContributions(lin.backend, Float32Array.of(0, 0.5, 1));
    expect(u.hiddenNodeId).toBe('input');
    expect(u.units).toBe(1);
    expect(Array.from(u.activations)).toEqual([0, 0.5, 1]);
    for (let i = 0; i < 3; i++) expect(u.sum[i]).toBeCloseTo(u.prediction[i]!, 6);
  });
});
