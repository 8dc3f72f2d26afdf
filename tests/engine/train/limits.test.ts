/** Networks too large or too deep for the machine: a clear refusal by parameter count, and deep chains that train. */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import { LimitError } from '../../../src-engine/limits.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { Trainer } from '../../../src-engine/train/trainer.ts';
import { chain, type NodeSpec } from '../backprop/util.ts';

const xor: Dataset = {
  name: 'xor',
  x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  y: Float32Array.from([0, 1, 1, 0]),
  rows: 4,
  features: 2,
  targets: 1,
  task: 'binary',
  featureNames: ['a', 'b'],
  classNames: ['0', '1'],
};
const output = { units: 1, activation: 'sigmoid', loss: 'bce' };

describe('the parameter limit', () => {
  it('refuses three 100,000-unit layers with a sentence naming the count and the setting, not "Invalid typed array length"', () => {
    const graph = chain(
      2,
      [1, 2, 3].map((i): NodeSpec => [`h${i}`, 'Dense', { units: 100_000, activation: 'relu' }]),
      output,
    );
    let error: unknown;
    try {
      new Trainer({ graph, config: makeTrainConfig({ epochs: 1 }), train: xor });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitError);
    expect((error as Error).message).toBe(
      'The network has 20,000,600,001 parameters (the largest, h2.W, is 100,000 × 100,000), more than can be trained here. Make the layers smaller. The limit is 50,000,000 parameters; raise it with the setting NETWRIGHT_MAX_PARAMS or the command-line flag --max-params if this machine has the memory.',
    );
  });

  it('is a real limit: the same network trains once it is raised', async () => {
    const graph = chain(2, [['h', 'Dense', { units: 300, activation: 'tanh' }]], output);
    const config = makeTrainConfig({ epochs: 2 });
    expect(() => new Trainer({ graph, config, train: xor, maxParams: 1000 })).toThrow(/1,201 parameters/);
    const done = await new Trainer({ graph, config, train: xor, maxParams: 1201 }).runToEnd();
    expect(done.reason).toBe('completed');
  });
});

describe('deep networks', () => {
  it('trains and exports a chain of 5,000 Dense layers (4,000 overflowed before) without overflowing the stack', async () => {
    const layers = Array.from({ length: 5_000 }, (_, i): NodeSpec => [
      `d${i}`,
      'Dense',
      { units: 2, activation: 'tanh' },
    ]);
    const graph = chain(2, layers, output);
    const t = new Trainer({ graph, config: makeTrainConfig({ epochs: 1, batchSize: 0 }), train: xor });
    const done = await t.runToEnd();
    expect(done.reason).toBe('completed');
    expect(Number.isFinite(done.metrics!.loss)).toBe(true);
    const onnx = exportDeploymentOnnx({ graph, weights: await t.backend.getWeights() });
    expect(onnx.length).toBeGreaterThan(5_000 * 24);
  }, 180_000);
});
