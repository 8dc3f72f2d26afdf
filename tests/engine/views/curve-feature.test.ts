/**
 * The worker's regression curve over a chosen feature (the others held at their means), checked
 * against a linear model whose curve is known in closed form.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import { computeViews } from '../../../src-engine/node/worker/train-views.ts';
import { ForwardEvaluator, planViews } from '../../../src-engine/views/index.ts';
import { compiled } from '../../../src-engine/model/compile.ts';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain } from '../backprop/util.ts';

const W = [2, -3, 0.5];
const B = 1;
const graph = chain(3, [], { units: 1, activation: 'linear', loss: 'mse' });

function data(rows: number): Dataset {
  const rng = new SeededRng(5);
  const x = new Float32Array(rows * 3);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < 3; f++) x[r * 3 + f] = rng.normal() * (f + 1) + f;
    y[r] = B + W.reduce((s, w, f) => s + w * x[r * 3 + f]!, 0);
  }
  return {
    name: 'linear',
    x,
    y,
    rows,
    features: 3,
    targets: 1,
    task: 'regression',
    featureNames: ['a', 'b', 'c'],
    targetNames: ['t'],
  };
}

/** The linear model y = b + w·x: its weight (3 × 1) and bias, by the parameters' declared shapes. */
function linearModel(): ForwardEvaluator {
  const weights: WeightSet = new Map();
  for (const d of compiled(graph).forward.params)
    weights.set(d.name, {
      shape: d.shape,
      data: Float32Array.from(d.shape.length === 2 && d.shape[0] === 3 ? W : [B]),
    });
  return new ForwardEvaluator(graph, weights);
}

describe('the curve over a chosen feature', () => {
  it('puts the chosen feature on the x axis and holds the others at their means', () => {
    const ds = data(200);
    const src = linearModel();
    const plan = planViews(src.forward, 'regression');
    const means = [0, 1, 2].map((f) => {
      let s = 0;
      for (let r = 0; r < ds.rows; r++) s += ds.x[r * 3 + f]!;
      return s / ds.rows;
    });
    let checked = 0;
    for (const feature of [0, 1, 2]) {
      const v = computeViews(src, plan, graph, { train: ds }, 1, {
        evaluation: false,
        resolution: 10,
        curveFeature: feature,
      }).curve!;
      expect(v.feature).toBe(feature);
      expect(v.features).toEqual(['a', 'b', 'c']);
      expect(v.xName).toBe(['a', 'b', 'c'][feature]);
      // The data points are the chosen column.
      expect(v.x.slice(0, 5)).toEqual(
        Array.from({ length: 5 }, (_, r) => Math.round(ds.x[r * 3 + feature]! * 1e4) / 1e4),
      );
      // y = b + w_f x + sum over the others of w_g mean_g.
      const offset = B + W.reduce((s, w, g) => (g === feature ? s : s + w * means[g]!), 0);
      v.curveX.forEach((x, i) => {
        expect(v.curveY[i]).toBeCloseTo(offset + W[feature]! * x, 2);
        checked++;
      });
    }
    expect(checked).toBe(360);
    // Out of range falls back to the first feature.
    const back = computeViews(src, plan, graph, { train: ds }, 1, {
      evaluation: false,
      resolution: 10,
      curveFeature: 7,
    });
    expect(back.curve!.feature).toBe(0);
  });
});
