/** Gradient flow: a deep sigmoid network's gradients vanish towards the input; the same network with ReLU keeps them. */
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import {
  divergenceAdvice,
  FlowProbe,
  flowToDivergence,
  gradientFlow,
  type LayerFlow,
} from '../../../src-engine/lab/flow.ts';
import type { FlowView } from '../../../src-engine/protocol/training.ts';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { Trainer, type TrainEvent } from '../../../src-engine/train/trainer.ts';
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
  const data2 = getBuiltinDataset('circle', { n: 400 });
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

  /** A view of made-up weight-gradient sizes, one series per layer. */
  const made = (series: Record<string, (number | null)[]>): FlowView => ({
    epochs: Object.values(series)[0]!.map((_, i) => i),
    layers: Object.entries(series).map(([id, g]) => ({
      id,
      type: 'Dense',
      gradRms: g,
      weightGradRms: g,
      mean: [],
      std: [],
      saturated: [],
      dead: [],
    })),
  });

  it('a gradient that is no longer a number blew up before one that grew tenfold; ties go to the earlier growth', () => {
    expect(divergenceAdvice(made({ h1: [1, 2, NaN], h2: [1, 1, 11], out: [1, 1, 1] }), 0.3, 0)).toBe(
      "The gradients of layer 'h1' grew first (to 2× their size at the start, then NaN or infinite). Try a learning rate of 0.03, or gradient clipping (a clip norm of 1).",
    );
    // Both tenfold at the same sample, by as much: the one that had grown more the sample before.
    expect(divergenceAdvice(made({ h1: [1, 2, 40], h2: [2, 6, 80] }), 1, 1)).toBe(
      "The gradients of layer 'h2' grew first (40× their size at the start). Try a learning rate of 0.1.",
    );
    // Huge factors are written with a power of ten.
    expect(divergenceAdvice(made({ h1: [1e-3, 6.2e22] }), 1, 1)).toContain('(6.2·10²⁵× their size at the start)');
    // Nothing grew tenfold, or no gradient to compare with: nothing to say.
    expect(divergenceAdvice(made({ h1: [1, 9, 9.9] }), 1, 0)).toBeNull();
    expect(divergenceAdvice(made({ h1: [0, 5, 50], h2: [null, 1, 100] }), 1, 0)).toBeNull();
  });

  it('replays the epoch a run diverged in, step by step, exactly as it ran, and names a layer that grew tenfold', async () => {
    // The deep ReLU template at learning rate 0.8 learns for tens of epochs, then its loss explodes.
    // Which seed's run does so with one layer's gradients growing tenfold in that epoch is chaotic
    // (a change of float32 rounding moves it), so the seeds are tried in turn until one does; the
    // checks below are then on that run.
    const t = getTemplate('vanishing-relu');
    const rows = 64;
    let found:
      | {
          config: ReturnType<typeof makeTrainConfig>;
          trainer: Trainer;
          steps: WeightSet[];
          diverged: Extract<TrainEvent, { type: 'diverged' }>;
          probe: FlowProbe;
          view: FlowView;
          advice: string;
        }
      | undefined;
    const tried: string[] = [];
    for (let seed = 1; seed <= 24 && !found; seed++) {
      const config = makeTrainConfig({
        ...t.training,
        epochs: 150,
        backend: 'ts',
        seed,
        optimizer: { ...t.training.optimizer, lr: 0.8 },
      });
      const trainer = new Trainer({ graph: t.graph, config, train: data2, keepEpochStart: true, batchEvery: 1 });
      // The weights after each step of the current epoch, as the run went.
      let steps: WeightSet[] = [];
      let diverged: Extract<TrainEvent, { type: 'diverged' }> | undefined;
      for await (const e of trainer.run()) {
        if (e.type === 'epoch') steps = [];
        if (e.type === 'batch') steps.push(await trainer.backend.getWeights());
        if (e.type === 'diverged') diverged = e;
      }
      tried.push(`seed ${seed}: ${diverged ? `diverged in epoch ${diverged.epoch + 1}` : 'no divergence'}`);
      if (!diverged || diverged.epoch <= 10) continue;
      const probe = new FlowProbe(t.graph, config, {
        x: trainer.train.x.subarray(0, rows * 2),
        y: trainer.train.y.subarray(0, rows),
        rows,
      });
      const view = (await flowToDivergence({
        graph: t.graph,
        config,
        train: trainer.train,
        epochStart: diverged.epochStart!,
        batch: diverged.batch,
        probe,
      }))!;
      const advice = divergenceAdvice(view, 0.8, 0);
      if (advice) found = { config, trainer, steps, diverged, probe, view, advice };
    }
    expect(found, tried.join('; ')).toBeDefined();
    const { steps, diverged, probe, view, advice } = found!;
    const epochStart = diverged.epochStart!;
    expect(epochStart.epoch).toBe(diverged.epoch);
    // Every step of the epoch (13 of 32 rows; fewer than REPLAY_SAMPLES), labelled e + b / 13.
    const e = diverged.epoch;
    expect(steps).toHaveLength(13);
    expect(view.epochs).toEqual([e, ...steps.map((_, b) => e + (b + 1) / 13)]);
    const direct: LayerFlow[][] = [epochStart.weights, ...steps].map((w) => probe.measure(w));
    let compared = 0;
    view.layers.forEach((l, k) =>
      direct.forEach((d, s) => {
        expect(l.weightGradRms[s]).toBe(d[k]!.weightGradRms);
        compared++;
      }),
    );
    expect(compared).toBe(9 * 14);
    const id = /^The gradients of layer '([^']+)' grew first/.exec(advice)![1]!;
    const k = view.layers.findIndex((l) => l.id === id);
    expect(k).toBeGreaterThanOrEqual(0);
    const g = direct.map((d) => d[k]!.weightGradRms!);
    expect(Math.max(...g.slice(1)) / g[0]!).toBeGreaterThanOrEqual(10);
    expect(advice).toMatch(/Try a learning rate of 0\.08, or gradient clipping \(a clip norm of 1\)\.$/);
  }, 120_000);
});
