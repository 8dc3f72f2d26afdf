/** Gradient flow: a deep sigmoid network's gradients vanish towards the input; the same network with ReLU keeps them. */
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { divergenceAdvice, gradientFlow } from '../../../src-engine/lab/flow.ts';
import { CompiledModel, initWeights } from '../../../src-engine/model/compile.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { chain } from '../backprop/util.ts';

function deep(activation: string, init: string) {
  const layers = Array.from(
    { length: 8 },
    (_, i) =>
      [`h${i + 1}`, 'Dense', { units: 16, activation, initializer: init }] as [
        string,
        'Dense',
        Record<string, string | number>,
      ],
  );
  return chain(2, layers, { units: 1, activation: 'sigmoid', loss: 'bce' });
}

describe('gradient flow', () => {
  const data = getBuiltinDataset('circle', { n: 200 });
  const batch = { x: data.x, y: data.y, rows: data.rows };
  const flowOf = (activation: string, init: string) => {
    const graph = deep(activation, init);
    const config = makeTrainConfig({});
    const weights = initWeights(new CompiledModel(graph).forward.params, new SeededRng(3));
    return gradientFlow({ graph, config, weights, batch });
  };

  it('shows vanishing gradients in a deep sigmoid network and not with ReLU', () => {
    const sig = flowOf('sigmoid', 'glorot_uniform');
    const relu = flowOf('relu', 'he_uniform');
    expect(sig.map((l) => l.id)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'out']);
    const ratio = (f: typeof sig) => f[0]!.weightGradRms! / f[7]!.weightGradRms!;
    // Each sigmoid layer multiplies the gradient by at most 1/4: eight layers shrink it by orders of magnitude.
    expect(ratio(sig)).toBeLessThan(0.01);
    expect(ratio(relu)).toBeGreaterThan(0.1);
    // Statistics: ReLU layers report dead units (a share), sigmoid layers saturation (a share).
    for (const l of relu.slice(0, 8)) expect(l.dead).toBeGreaterThanOrEqual(0);
    for (const l of sig.slice(0, 8)) {
      expect(l.saturated).toBeGreaterThanOrEqual(0);
      expect(l.dead).toBeNull();
      expect(l.mean).toBeGreaterThan(0);
      expect(l.std).toBeGreaterThan(0);
    }
  });
});

describe('divergence explained', () => {
  it('names the layer whose gradients grew tenfold first and suggests a learning rate', () => {
    const flat = (v: number[]) => v;
    const view = {
      epochs: [1, 2, 3, 4],
      layers: [
        {
          id: 'h1',
          type: 'Dense',
          gradRms: flat([1, 2, 50, 900]),
          weightGradRms: flat([1, 2, 50, 900]),
          mean: [],
          std: [],
          saturated: [],
          dead: [],
        },
        {
          id: 'h2',
          type: 'Dense',
          gradRms: flat([1, 30, 40, 60]),
          weightGradRms: flat([1, 30, 40, 60]),
          mean: [],
          std: [],
          saturated: [],
          dead: [],
        },
      ],
    };
    expect(divergenceAdvice(view, 0.5, 0)).toBe(
      "The gradients of layer 'h2' grew first (60× their size at the start). Try a learning rate of 0.05, or gradient clipping (a clip norm of 1).",
    );
    expect(divergenceAdvice({ ...view, epochs: [1] }, 0.5, 0)).toBeNull();
  });
});
