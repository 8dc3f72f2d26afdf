/** The forward-only evaluator agrees with the training backend; IR lookups find the Dense layers. */
import { describe, expect, it } from 'vitest';
import { ForwardEvaluator, denseConsumer, denseLayers } from '../../../src-engine/views/source.ts';
import { preActivationThreshold } from '../../../src-engine/losses/index.ts';
import { decisionGrid, nearestCell, weightArrows } from '../../../src-engine/views/decision-grid.ts';
import { trainTemplate } from './util.ts';

describe('ForwardEvaluator', () => {
  it('computes the same values as TsBackend from a copy of its weights, across chunk boundaries', async () => {
    const c = await trainTemplate('circle', 5);
    const ev = new ForwardEvaluator(c.template.graph, c.backend.getWeights());
    const fwd = ev.forward;
    const n = 2500;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 1.4;
    const ids = [fwd.values.get('hidden1')!, fwd.pred];
    const ours = ev.runForward(x, n, ids);
    const theirs = c.backend.runForward(x, n, [c.backend.forward.values.get('hidden1')!, c.backend.forward.pred]);
    expect(Array.from(ours[0]!)).toEqual(Array.from(theirs[0]!));
    expect(Array.from(ours[1]!)).toEqual(Array.from(theirs[1]!));
    expect(() => ev.setWeights(new Map())).toThrow(/No weights for parameter 'hidden1.W'/);
  });

  it('finds Dense layers, their inputs and activations in the program', async () => {
    const c = await trainTemplate('circle', 1);
    const fwd = c.backend.forward;
    const layers = denseLayers(fwd);
    expect(layers.map((l) => [l.nodeId, l.inSize, l.units, l.activation])).toEqual([
      ['hidden1', 2, 8, 'tanh'],
      ['hidden2', 8, 8, 'tanh'],
      ['output', 8, 1, 'sigmoid'],
    ]);
    expect(layers[0]!.input).toBe(fwd.x);
    expect(denseConsumer(fwd, 'hidden1')!.nodeId).toBe('hidden2');
    expect(denseConsumer(fwd, 'output')).toBeNull();
    expect(preActivationThreshold('sigmoid', 0.5)).toBe(0);
    expect(preActivationThreshold('tanh', 0.5)).toBeCloseTo(0.5493061, 6);
    expect(preActivationThreshold('linear', 0)).toBe(0);
    expect(preActivationThreshold('softplus', 0.5)).toBeNull();
  });

  it("draws the perceptron's boundary from its rule-trained weights (Figure 4)", async () => {
    const p = await trainTemplate('perceptron');
    expect(p.backend.name).toBe('perceptron');
    const ev = new ForwardEvaluator(p.template.graph, await p.backend.getWeights());
    const g = decisionGrid(ev, { bounds: [-2.3, 1.8, -1.9, 2.2], resolution: 300 });
    const pred = p.backend.predict(p.ds.x, p.ds.rows);
    let agree = 0;
    for (let r = 0; r < p.ds.rows; r++)
      if (g.predicted[nearestCell(g, p.ds.x[2 * r]!, p.ds.x[2 * r + 1]!)] === pred[r]) agree++;
    expect(agree).toBe(p.ds.rows);
    const [w] = weightArrows(ev.getWeights(), ev.forward)!;
    const W = ev.getWeights().get('output.W')!.data;
    expect([w!.dx, w!.dy]).toEqual([W[0], W[1]]);
  });
});
