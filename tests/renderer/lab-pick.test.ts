/**
 * What the learner points at: a connection on the canvas shows what flows along it in the step's
 * phase (the source's output going forward, the gradient of the loss with respect to it coming back,
 * the sum over a fan-out said so), the phase's connections are the ones into the layer going forward
 * and out of it coming back; a point of the plane or an image is a row of a part of the data; a click
 * on the plane finds the point drawn under it.
 */
import { describe, expect, it } from 'vitest';
import { traceStep } from '../../src-engine/lab/step.ts';
import { makeTrainConfig } from '../../src-engine/train/config.ts';
import { CompiledModel, initWeights } from '../../src-engine/model/compile.ts';
import { SeededRng } from '../../src-engine/tensor/rng.ts';
import type { ImageViews, PointsView } from '../../src-engine/protocol/api.ts';
import { edgeTensor, phaseEdges, pickedSample } from '../../renderer/src/features/lab/pick.ts';
import { phasesOf, type Phase } from '../../renderer/src/features/lab/phases.ts';
import { nearestPoint, PICK_RADIUS } from '../../renderer/src/features/plots/hit.ts';
import type { Frame } from '../../renderer/src/features/plots/scale.ts';
import { makeGraph } from '../engine/backprop/util.ts';

// h0 feeds two layers (a fan-out) whose outputs are added.
const graph = makeGraph(
  [
    ['in', 'Input', { features: 2 }],
    ['h0', 'Dense', { units: 3, activation: 'tanh' }],
    ['h1', 'Dense', { units: 4, activation: 'relu' }],
    ['h2', 'Dense', { units: 4, activation: 'tanh' }],
    ['sum', 'Add'],
    ['out', 'Output', { units: 1, activation: 'sigmoid', loss: 'bce' }],
  ],
  [
    ['in', 'h0'],
    ['h0', 'h1'],
    ['h0', 'h2'],
    ['h1', 'sum'],
    ['h2', 'sum'],
    ['sum', 'out'],
  ],
);

function trace() {
  const config = makeTrainConfig({ batchSize: 5, optimizer: { name: 'sgd', lr: 0.1 }, seed: 3 });
  const model = new CompiledModel(graph);
  const weights = initWeights(model.forward.params, new SeededRng(3));
  const rng = new SeededRng(7);
  const x = Float32Array.from({ length: 10 }, () => rng.normal());
  const y = Float32Array.from([0, 1, 1, 0, 1]);
  return traceStep({ graph, config, weights, batch: { x, y, rows: 5 } });
}

describe('a connection on the canvas', () => {
  const t = trace();
  const phases = phasesOf(t);
  const fwd = phases.find((p) => p.kind === 'forward' && p.node === 'sum');
  const back = phases.find((p) => p.kind === 'backward' && p.node === 'h0');
  const update = phases.find((p) => p.kind === 'update');

  it('carries the source output going forward and its gradient coming back, for every connection', () => {
    let checked = 0;
    for (const e of graph.edges) {
      const src = t.nodes.find((n) => n.id === e.source)!;
      const f = edgeTensor(t, graph, e, fwd)!;
      expect(f.title).toBe(`${e.source} → ${e.target}: ${e.source} output`);
      expect(f.tensor).toBe(src.output);
      expect(f.tensor.shape[0]).toBe(5);
      expect(f.gradient).toBe(false);
      for (const p of [back, update] as Phase[]) {
        const b = edgeTensor(t, graph, e, p)!;
        if (src.grad) {
          expect(b.gradient).toBe(true);
          expect(b.tensor).toBe(src.grad);
          expect(b.tensor.shape).toEqual(src.output.shape);
          expect(b.title).toBe(`${e.source} → ${e.target}: ∂L/∂${e.source}`);
        } else {
          expect(b.gradient).toBe(false);
          expect(b.note).toMatch(/No gradient flows back/);
        }
        checked++;
      }
    }
    expect(checked).toBe(graph.edges.length * 2);
  });

  it('says a fan-out gradient is the sum over the layers fed', () => {
    const e = graph.edges.find((x) => x.source === 'h0' && x.target === 'h1')!;
    const b = edgeTensor(t, graph, e, back)!;
    expect(b.tensor.shape).toEqual([5, 3]);
    expect(b.note).toBe('h0 feeds 2 layers: this is the sum of the gradients coming back along all 2 connections.');
    const single = graph.edges.find((x) => x.source === 'sum')!;
    expect(edgeTensor(t, graph, single, back)!.note).toBeNull();
  });

  it("marks the phase's connections: into the layer forward, out of it backward, none at the update", () => {
    const ids = (pairs: [string, string][]) =>
      pairs.map(([s, d]) => graph.edges.find((e) => e.source === s && e.target === d)!.id).sort();
    expect(phaseEdges(graph, fwd).sort()).toEqual(
      ids([
        ['h1', 'sum'],
        ['h2', 'sum'],
      ]),
    );
    expect(phaseEdges(graph, back).sort()).toEqual(
      ids([
        ['h0', 'h1'],
        ['h0', 'h2'],
      ]),
    );
    expect(phaseEdges(graph, update)).toEqual([]);
    expect(phaseEdges(graph, { kind: 'loss' })).toEqual([]);
  });
});

describe('a picked sample', () => {
  const points: PointsView = {
    x: [0, 1, 2],
    y: [0, 1, 2],
    label: [0, 1, 0],
    test: [false, false, true],
    rows: [0, 40, 7],
    heldOut: 'validation',
  };

  it('is a row of the training rows or of the held-out rows the view shows', () => {
    expect(pickedSample({ points, index: 1 })).toEqual({ row: 40, split: 'train' });
    expect(pickedSample({ points, index: 2 })).toEqual({ row: 7, split: 'validation' });
    expect(pickedSample({ points, index: 3 })).toBeNull();
    expect(pickedSample({ points: { ...points, rows: undefined }, index: 1 })).toBeNull();
    const images = { on: 'test rows', split: 'test' } as ImageViews;
    expect(pickedSample({ images, row: 12 })).toEqual({ row: 12, split: 'test' });
    expect(pickedSample({ images: { ...images, split: undefined }, row: 12 })).toBeNull();
  });

  it('on the plane is the point drawn nearest the click, within a few pixels', () => {
    // The plane drawn over [-1, 3] × [-1, 3] in 300 × 300 pixels (y grows upwards).
    const f = { px: (v: number) => 40 + ((v + 1) / 4) * 250, py: (v: number) => 260 - ((v + 1) / 4) * 250 };
    const frame = f as unknown as Frame;
    const pick = (x: number, y: number, showTest = true, radius = PICK_RADIUS) =>
      nearestPoint({ px: x, py: y, frame }, points.x, points.y, radius, (i) => !showTest && points.test[i]!);
    for (let k = 0; k < 3; k++) expect(pick(f.px(points.x[k]!) + 3, f.py(points.y[k]!) - 2)).toBe(k);
    // Far from every point: nothing.
    expect(pick(f.px(-0.5), f.py(2.5))).toBe(-1);
    // Hidden test points are not picked; a wider radius reaches the next one.
    expect(pick(f.px(2), f.py(2), false)).toBe(-1);
    expect(pick(f.px(2), f.py(2), false, 100)).toBe(1);
  });
});
