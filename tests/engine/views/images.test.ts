/**
 * Image views on a trained small CNN (real MNIST digits): the learned filters are the conv weights,
 * the feature maps are the program's values, the saliency is the gradient of the predicted logit
 * (checked against central differences in float64), the misclassified gallery agrees with the
 * confusion matrix, and the worker's views carry them as plain JSON.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { takeRows, type Dataset } from '../../../src-engine/data/dataset.ts';
import { CompiledModel } from '../../../src-engine/model/compile.ts';
import { loadDigits } from '../../../src-engine/node/datasets/digits.ts';
import { computeViews } from '../../../src-engine/node/worker/train-views.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import {
  evaluateModel,
  featureMaps,
  ForwardEvaluator,
  learnedFilters,
  misclassified,
  planViews,
  rowOf,
  saliencyMap,
} from '../../../src-engine/views/index.ts';
import { chain } from '../backprop/util.ts';

const graph = chain(
  0,
  [
    ['c1', 'Conv2D', { filters: 4, kernel_size: 5, padding: 'same', activation: 'relu' }],
    ['p1', 'MaxPool2D', {}],
    ['bn', 'BatchNorm'],
    ['c2', 'Conv2D', { filters: 6, kernel_size: 3, activation: 'tanh' }],
    ['p2', 'AvgPool2D', {}],
    ['f', 'Flatten'],
  ],
  { units: 10, activation: 'softmax', loss: 'cce' },
  { shape: 'image', channels: 1, height: 28, width: 28 },
);
let train: Dataset;
let test: Dataset;
let weights: WeightSet;
const model = new CompiledModel(graph);

beforeAll(async () => {
  const all = await loadDigits({ count: 1200, seed: 3 });
  train = takeRows(
    all,
    Array.from({ length: 1000 }, (_, i) => i),
  );
  test = takeRows(
    all,
    Array.from({ length: 200 }, (_, i) => 1000 + i),
    'digits (test)',
  );
  const t = new Trainer({
    graph,
    model,
    config: makeTrainConfig({ epochs: 2, batchSize: 32, optimizer: { name: 'adam', lr: 0.003 } }),
    train,
  });
  await t.runToEnd();
  weights = await t.backend.getWeights();
}, 120_000);

describe('image views', () => {
  it('plans them for an image input only', () => {
    expect(planViews(model.forward).images).toBe(true);
    expect(planViews(new CompiledModel(chain(4, [], { units: 1 })).forward).images).toBe(false);
  });

  it('learned filters are the convolution weights, one tile per filter and input channel', () => {
    const banks = learnedFilters(model.forward, weights);
    expect(banks.map((b) => [b.nodeId, b.rows, b.cols, b.kernel])).toEqual([
      ['c1', 4, 1, [5, 5]],
      ['c2', 6, 4, [3, 3]],
    ]);
    const w2 = weights.get('c2.W')!.data;
    // filter 2, input channel 3 of c2: weights [2, 3, :, :]
    const t = banks[1]!.tiles[2 * 4 + 3]!;
    expect(Array.from(t.values)).toEqual(Array.from(w2.subarray((2 * 4 + 3) * 9, (2 * 4 + 4) * 9)));
    expect(t.min).toBe(Math.min(...t.values));
  });

  it("feature maps are the sample's values at every layer with an image output", () => {
    const src = new ForwardEvaluator(model, weights);
    const x = rowOf(test, 7);
    const maps = featureMaps(src, x);
    expect(maps.map((m) => [m.nodeId, m.shape, m.tiles.length])).toEqual([
      ['in', [1, 28, 28], 1],
      ['c1', [4, 28, 28], 4],
      ['p1', [4, 14, 14], 4],
      ['bn', [4, 14, 14], 4],
      ['c2', [6, 12, 12], 6],
      ['p2', [6, 6, 6], 6],
    ]);
    expect(Array.from(maps[0]!.tiles[0]!.values)).toEqual(Array.from(x));
    const c1 = src.runForward(x, 1, [model.forward.values.get('c1')!])[0]!;
    expect(Array.from(maps[1]!.tiles[2]!.values)).toEqual(Array.from(c1.subarray(2 * 784, 3 * 784)));
  });

  it('saliency is |d logit(predicted) / d pixel|, as central differences in float64 say', () => {
    // Average pooling here: digits have flat backgrounds, so max-pooling windows hold exact ties
    // where the gradient is not defined and central differences take half of either side.
    const smooth = chain(
      0,
      [
        ['c1', 'Conv2D', { filters: 4, kernel_size: 5, padding: 'same', activation: 'relu' }],
        ['p1', 'AvgPool2D', {}],
        ['bn', 'BatchNorm'],
        ['c2', 'Conv2D', { filters: 6, kernel_size: 3, activation: 'tanh' }],
        ['p2', 'AvgPool2D', {}],
        ['f', 'Flatten'],
      ],
      { units: 10, activation: 'softmax', loss: 'cce' },
      { shape: 'image', channels: 1, height: 28, width: 28 },
    );
    const m = new CompiledModel(smooth);
    const w = m.initialWeights(new SeededRng(5));
    // Not 0: a zero bias puts every background pixel's ReLU input exactly on the kink.
    w.get('c1.b')!.data.set([0.05, -0.05, 0.1, 0.02]);
    w.get('bn.running_mean')!.data.set([0.1, -0.2, 0.3, 0]);
    w.get('bn.running_var')!.data.set([0.5, 2, 1.5, 0.7]);
    const ts = new TsBackend(m, makeTrainConfig({}), w, new SeededRng(1), 'float64');
    const x = Float32Array.from(rowOf(test, 11));
    const s = saliencyMap(ts, x, [1, 28, 28]);
    const out = ts.predict(x, 1);
    expect(s.predicted).toBe(Array.from(out).indexOf(Math.max(...out)));
    const logit = (v: Float32Array) => ts.runForward(v, 1, [m.forward.logits])[0]![s.predicted]!;
    let worst = 0;
    for (let i = 0; i < 784; i += 7) {
      // Float32 inputs: a step that float32 represents exactly around values in [0, 1].
      const h = 2 ** -18;
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[i] = x[i]! + h;
      down[i] = x[i]! - h;
      const numeric = Math.abs((logit(up) - logit(down)) / (2 * h));
      worst = Math.max(worst, Math.abs(numeric - s.map.values[i]!) / Math.max(1e-3, numeric));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(s.map.max).toBeGreaterThan(0);
  });

  it('the misclassified gallery holds exactly the rows off the confusion matrix diagonal', () => {
    const src = new ForwardEvaluator(model, weights);
    const ev = evaluateModel(src, test);
    const m = misclassified(test, ev.pred, model.forward, 500);
    const cm = ev.confusion!;
    let offDiagonal = 0;
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) if (i !== j) offDiagonal += cm.counts[i * 10 + j]!;
    expect(m.wrong).toBe(offDiagonal);
    expect(m.rows.length).toBe(offDiagonal);
    for (const r of m.rows) {
      expect(r.predicted).not.toBe(r.actual);
      expect(cm.counts[r.actual * 10 + r.predicted]).toBeGreaterThan(0);
      expect(Array.from(r.image.values)).toEqual(Array.from(rowOf(test, r.row)));
    }
    expect(ev.report!.accuracy).toBeGreaterThan(0.7);
  });

  it('the worker sends them as plain JSON, with the mistakes alongside the evaluation', () => {
    const src = new ForwardEvaluator(model, weights);
    const plan = planViews(model.forward, 'multiclass');
    const v = computeViews(src, plan, graph, { train, test }, 2, { evaluation: true, resolution: 16, sample: 5 });
    const im = v.images!;
    expect(im.on).toBe('test rows');
    expect(im.sample.row).toBe(5);
    expect(im.sample.rows).toBe(200);
    expect(im.sample.actual).toBe(test.classNames![test.y.subarray(50, 60).indexOf(1)]);
    expect(im.filters.map((f) => f.label)).toEqual(['Conv2D c1', 'Conv2D c2']);
    expect(im.featureMaps[0]!.label).toBe('Input');
    expect(im.misclassified!.of).toBe(200);
    expect(v.grid).toBeUndefined();
    expect(v.evaluation!.matrix!.length).toBe(10);
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
    const cheap = computeViews(src, plan, graph, { train, test }, 2, { evaluation: false, resolution: 16 });
    expect(cheap.images!.misclassified).toBeUndefined();
    expect(cheap.images!.sample.row).toBe(0);
  });
});
