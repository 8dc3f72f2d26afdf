/** Unit heatmaps over the input plane and link styles on per-layer scales. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { chainGraph } from '../../../src-engine/train/templates.ts';
import { decisionGrid } from '../../../src-engine/views/decision-grid.ts';
import { linkStyles, unitHeatmaps } from '../../../src-engine/views/network.ts';
import { ForwardEvaluator } from '../../../src-engine/views/source.ts';
import { trainTemplate, type Trained } from './util.ts';

let circle: Trained;
beforeAll(async () => {
  circle = await trainTemplate('circle', 10);
});

describe('unitHeatmaps', () => {
  it('gives every unit of every layer its map over the plane in one pass, unit-major', () => {
    const h = unitHeatmaps(circle.backend, { bounds: [-1.5, 1.5, -1.5, 1.5], resolution: 16 });
    expect(h.layers.map((l) => [l.nodeId, l.units])).toEqual([
      ['hidden1', 8],
      ['hidden2', 8],
      ['output', 1],
    ]);
    const fwd = circle.backend.forward;
    const cells = 256;
    const probe = new Float32Array([h.xs[3]!, h.ys[11]!]);
    const [h1, h2] = circle.backend.runForward(probe, 1, [fwd.values.get('hidden1')!, fwd.values.get('hidden2')!]);
    const c = 11 * 16 + 3;
    for (let u = 0; u < 8; u++) {
      expect(h.layers[0]!.values[u * cells + c]).toBeCloseTo(h1![u]!, 6);
      expect(h.layers[1]!.values[u * cells + c]).toBeCloseTo(h2![u]!, 6);
    }
    // tanh units stay in (-1, 1) and the layer range covers them
    const l0 = h.layers[0]!;
    expect(l0.min).toBeGreaterThanOrEqual(-1);
    expect(l0.max).toBeLessThanOrEqual(1);
    expect(l0.max).toBeGreaterThan(l0.min);
    // the output layer's map is the decision grid
    const g = decisionGrid(circle.backend, { bounds: [-1.5, 1.5, -1.5, 1.5], resolution: 16 });
    expect(Array.from(h.layers[2]!.values)).toEqual(Array.from(g.values));
  });

  it('limits itself to the layers asked for', () => {
    const h = unitHeatmaps(circle.backend, { bounds: [-1, 1, -1, 1], resolution: 4, nodes: ['hidden2'] });
    expect(h.layers).toHaveLength(1);
    expect(h.layers[0]!.values.length).toBe(8 * 16);
    expect(() => unitHeatmaps(circle.backend, { bounds: [-1, 1, -1, 1], nodes: ['x'] })).toThrow(/no layer 'x'/);
  });
});

describe('linkStyles', () => {
  const graph = chainGraph(2, [{ units: 2, activation: 'relu' }], { units: 1, activation: 'sigmoid', loss: 'bce' });
  const weights: WeightSet = new Map([
    ['hidden.W', { shape: [2, 2] as const, data: Float32Array.of(3, -6, 1.5, 0) }],
    ['hidden.b', { shape: [1, 2] as const, data: Float32Array.of(0.5, -0.25) }],
    ['output.W', { shape: [2, 1] as const, data: Float32Array.of(0.2, -0.1) }],
    ['output.b', { shape: [1, 1] as const, data: Float32Array.of(0) }],
  ]);

  it('scales each layer by its own largest |w|, so weights above 1 do not saturate', () => {
    const s = linkStyles(weights, graph);
    expect(s.map((l) => [l.source, l.target, l.edgeId])).toEqual([
      ['input', 'hidden', 'e1'],
      ['hidden', 'output', 'e2'],
    ]);
    const h = s[0]!;
    expect(h.maxAbs).toBe(6);
    expect(Array.from(h.strength)).toEqual([0.5, 1, 0.25, 0]);
    expect(Array.from(h.sign)).toEqual([1, -1, 1, 0]);
    expect(Array.from(h.biasStrength!)).toEqual([1, 0.5]);
    expect(Array.from(s[1]!.strength)).toEqual([1, 0.5]);
    expect(s[1]!.inSize).toBe(2);
    expect(s[1]!.units).toBe(1);
  });

  it('can share one scale across the network, and names a missing weight', () => {
    const s = linkStyles(weights, graph, { scale: 'network' });
    expect(s[1]!.maxAbs).toBe(6);
    expect(s[1]!.strength[0]).toBeCloseTo(0.2 / 6, 7);
    const partial: WeightSet = new Map([...weights].filter(([k]) => k !== 'output.W'));
    expect(() => linkStyles(partial, graph)).toThrow(/'output.W'/);
  });

  it('works with the evaluator built from plain weights', () => {
    const ev = new ForwardEvaluator(graph, weights);
    const h = unitHeatmaps(ev, { bounds: [0, 1, 0, 1], resolution: 2 });
    // node (1, 0) is x = (1, 0): hidden = relu([3, -6] + [0.5, -0.25]) = [3.5, 0]
    expect(h.layers[0]!.values[1]).toBeCloseTo(3.5, 6);
    expect(h.layers[0]!.values[4 + 1]).toBe(0);
  });
});
