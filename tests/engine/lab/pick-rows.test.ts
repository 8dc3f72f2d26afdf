/**
 * Picking a sample in a view: every point of the decision-boundary plane says which row it is (of
 * the training rows, or of the held-out rows), also when a large set is thinned to the points shown,
 * and image views say which part of the data their rows count in, so the lab traces the very row.
 */
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { CompiledModel, initWeights } from '../../../src-engine/model/compile.ts';
import { computeViews } from '../../../src-engine/node/worker/train-views.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { splitValidation } from '../../../src-engine/train/trainer.ts';
import { ForwardEvaluator, planViews } from '../../../src-engine/views/index.ts';

describe('points of the plane name their rows', () => {
  it('each point is the row it names, in the training rows or the held-out rows', () => {
    const t = getTemplate('circle');
    const model = new CompiledModel(t.graph);
    const src = new ForwardEvaluator(model, initWeights(model.forward.params, new SeededRng(1)));
    // 2400 rows: more than the plane shows, so the training points are a thinned sample.
    const { train, validation } = splitValidation(getBuiltinDataset('circle', { n: 3000 }), 0.2, 5);
    const plan = planViews(model.forward, train.task);
    const v = computeViews(src, plan, t.graph, { train, validation }, 1, { evaluation: false, resolution: 8 });
    const p = v.points!;
    expect(p.heldOut).toBe('validation');
    expect(p.rows).toHaveLength(p.x.length);
    const shown = { train: 0, held: 0 };
    for (let k = 0; k < p.x.length; k++) {
      const ds = p.test[k] ? validation! : train;
      const r = p.rows![k]!;
      expect(r).toBeLessThan(ds.rows);
      expect(p.x[k]).toBeCloseTo(ds.x[r * ds.features]!, 3);
      expect(p.y[k]).toBeCloseTo(ds.x[r * ds.features + 1]!, 3);
      shown[p.test[k] ? 'held' : 'train']++;
    }
    expect(train.rows).toBeGreaterThan(shown.train); // thinned
    expect(shown.held).toBe(validation!.rows);
    // The thinned rows still spread over the whole set.
    expect(Math.max(...p.rows!.filter((_, k) => !p.test[k]))).toBeGreaterThan(train.rows * 0.99);
  });
});
