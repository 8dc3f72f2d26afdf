// The seed articles' claims, checked by training the templates exactly as a user would.
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import type { Dataset } from '../../../src-engine/data/dataset.ts';

async function trainTemplate(
  id: string,
): Promise<{ trainer: Trainer; losses: number[]; final: Record<string, number | undefined>; data: Dataset }> {
  const t = getTemplate(id);
  if (t.dataset.kind !== 'builtin') throw new Error('expected a built-in dataset');
  const data = getBuiltinDataset(t.dataset.id, t.dataset.params as Record<string, number>);
  const trainer = new Trainer({ graph: t.graph, config: t.training, train: data });
  const losses: number[] = [];
  const done = await trainer.runToEnd((e) => {
    if (e.type === 'epoch') losses.push(e.metrics.loss);
  });
  expect(done.reason).toBe('completed');
  return { trainer, losses, final: { ...done.metrics! }, data };
}

describe('from-scratch article', () => {
  it('the 3-4-1 sigmoid net drives predictions to within 0.1 of [0,1,1,0] in 1500 iterations, loss falling monotonically', async () => {
    const { trainer, losses, data } = await trainTemplate('from-scratch');
    expect(losses).toHaveLength(1500);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]!);
    const pred = Array.from(await trainer.backend.predict(data.x, data.rows));
    [0, 1, 1, 0].forEach((target, i) => expect(Math.abs(pred[i]! - target)).toBeLessThan(0.1));
  });
});

describe('visual article: X4 is not linearly separable', () => {
  it('a single sigmoid neuron stays at the linear limit', async () => {
    const { final } = await trainTemplate('x4-sigmoid-neuron');
    expect(final.accuracy!).toBeLessThanOrEqual(0.96);
    expect(final.accuracy!).toBeGreaterThan(0.9);
  });
  it('a linear hidden layer of 3 units stays at the linear limit too', async () => {
    const { final } = await trainTemplate('x4-linear-hidden');
    expect(final.accuracy!).toBeLessThanOrEqual(0.96);
  });
  it('the 3-unit ReLU hidden layer separates it', async () => {
    const { final } = await trainTemplate('x4-relu-hidden');
    expect(final.accuracy!).toBeGreaterThanOrEqual(0.99);
  });
});

describe('visual article: regression on X5', () => {
  it('10 ReLUs fit the parabola far better than a linear model, and 400 better than 10', async () => {
    const linear = await trainTemplate('x5-linear');
    const relu10 = await trainTemplate('x5-relu-10');
    const relu400 = await trainTemplate('x5-relu-400');
    expect(relu10.final.mse!).toBeLessThan(linear.final.mse! / 20);
    expect(relu400.final.mse!).toBeLessThan(relu10.final.mse!);
    expect(relu10.final.r2!).toBeGreaterThan(0.95);
  });
});

describe('visual article: linearly separable sets', () => {
  it('the perceptron rule separates X1 perfectly', async () => {
    const { final } = await trainTemplate('perceptron');
    expect(final.accuracy).toBe(1);
  });
  it('a sigmoid neuron separates X1 and the softmax layer classifies X3', async () => {
    expect((await trainTemplate('sigmoid-neuron')).final.accuracy).toBe(1);
    expect((await trainTemplate('softmax-3')).final.accuracy!).toBeGreaterThanOrEqual(0.98);
  });
});

describe('crash course: vanishing gradients', () => {
  it('eight sigmoid layers stay near chance on the circle; the same layers with ReLU learn it', async () => {
    const sig = await trainTemplate('vanishing-sigmoid');
    const relu = await trainTemplate('vanishing-relu');
    expect(sig.final.accuracy!).toBeLessThan(0.65);
    expect(relu.final.accuracy!).toBeGreaterThan(0.95);
  });
});

describe("TensorFlow Playground's input features (the Features layer)", () => {
  it('x1² and x2² let one neuron classify the circle (training accuracy >= 0.98, validation >= 0.97)', async () => {
    const { final } = await trainTemplate('circle-features');
    expect(final.accuracy!).toBeGreaterThanOrEqual(0.98);
    expect(final.val_accuracy!).toBeGreaterThanOrEqual(0.97);
    // Without the squares the same neuron cannot: a straight line on the circle stays near chance.
    const t = getTemplate('circle-features');
    const feat = t.graph.nodes.find((n) => n.type === 'Features')!;
    feat.params.squares = false;
    const data = getBuiltinDataset(
      'circle',
      t.dataset.kind === 'builtin' ? (t.dataset.params as Record<string, number>) : {},
    );
    const trainer = new Trainer({ graph: t.graph, config: t.training, train: data });
    const done = await trainer.runToEnd(() => {});
    expect(done.metrics!.accuracy!).toBeLessThan(0.75);
  });
  it('x1·x2 lets one neuron classify the XOR quadrants (accuracy >= 0.9; noise 0.1 flips points near the axes)', async () => {
    const { final } = await trainTemplate('xor-features');
    expect(final.accuracy!).toBeGreaterThanOrEqual(0.9);
    expect(final.val_accuracy!).toBeGreaterThanOrEqual(0.9);
  });
  it('sin x1 and sin x2 let six tanh units follow spirals of radius 5 (>= 0.95) that x1, x2 alone leave near 0.8', async () => {
    const { final } = await trainTemplate('spiral-sines');
    expect(final.accuracy!).toBeGreaterThanOrEqual(0.95);
    expect(final.val_accuracy!).toBeGreaterThanOrEqual(0.95);
    const t = getTemplate('spiral-sines');
    t.graph.nodes.find((n) => n.type === 'Features')!.params.sines = false;
    const data = getBuiltinDataset(
      'two-spirals',
      t.dataset.kind === 'builtin' ? (t.dataset.params as Record<string, number>) : {},
    );
    const done = await new Trainer({ graph: t.graph, config: t.training, train: data }).runToEnd(() => {});
    expect(done.metrics!.accuracy!).toBeLessThan(0.88);
    expect(done.metrics!.accuracy!).toBeLessThan(final.accuracy! - 0.08);
  });
});
