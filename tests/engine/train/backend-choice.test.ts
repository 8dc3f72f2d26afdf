/**
 * The 'auto' backend's choice (src-engine/train/backend-choice.ts): the TypeScript engine for tiny
 * networks and short runs, ONNX Runtime for larger networks, the settings' choice when one is made,
 * and a sentence saying which and why, which the training session passes on.
 */
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { CompiledModel } from '../../../src-engine/model/compile.ts';
import type { TrainBackend } from '../../../src-engine/train/backend.ts';
import { autoFallback, chooseBackend, stepCost, stepWork } from '../../../src-engine/train/backend-choice.ts';
import { makeTrainConfig, trainConfigSchema } from '../../../src-engine/train/config.ts';
import { TrainingSession } from '../../../src-engine/train/session.ts';
import { chainGraph, getTemplate } from '../../../src-engine/train/templates.ts';

const mlp = new CompiledModel(
  chainGraph(
    784,
    [
      { units: 128, activation: 'relu' },
      { units: 64, activation: 'relu' },
    ],
    { units: 10, activation: 'softmax', loss: 'cce' },
  ),
);
const tiny = new CompiledModel(
  chainGraph(
    2,
    [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
    ],
    { units: 1, activation: 'sigmoid', loss: 'bce' },
  ),
);
const adam = (over: object = {}) =>
  makeTrainConfig({ epochs: 5, batchSize: 128, optimizer: { name: 'adam', lr: 0.001 }, seed: 1, ...over });

describe('auto backend choice', () => {
  it('is the default of a training config', () => {
    expect(trainConfigSchema.parse({}).backend).toBe('auto');
    expect(makeTrainConfig({}).backend).toBe('auto');
  });

  it('counts the multiply-adds a step really computes (not the unused gradient of the input data)', () => {
    const work = stepWork(mlp.training(adam()), 128);
    // Forward: 128 × (784·128 + 128·64 + 64·10); weight gradients the same; input gradients of the
    // second and third layers only.
    const fwd = 128 * (784 * 128 + 128 * 64 + 64 * 10);
    expect(work.macs).toBe(2 * fwd + 128 * (128 * 64 + 64 * 10));
    expect(work.slowOps).toEqual([]);
    // Adam touches every one of the 109,386 parameters several times a step.
    expect(work.elements).toBeGreaterThan(5 * 109_386);
    // Work grows with the batch.
    expect(stepWork(mlp.training(adam()), 256).macs).toBeGreaterThan(work.macs);
  });

  it('picks the TypeScript engine for a tiny network and ONNX Runtime for an MNIST-sized one', () => {
    const small = chooseBackend({
      model: tiny,
      config: makeTrainConfig({ epochs: 200, batchSize: 10, optimizer: { name: 'sgd', lr: 0.03 } }),
      rows: 500,
      ortAvailable: true,
    });
    expect(small.backend).toBe('ts');
    expect(small.reason).toMatch(/^auto: the TypeScript engine, faster for this small network/);
    const cost = stepCost(stepWork(tiny.training(makeTrainConfig({ batchSize: 10 })), 10));
    expect(cost.ts).toBeLessThan(cost.ort);

    const big = chooseBackend({ model: mlp, config: adam(), rows: 60_000, ortAvailable: true });
    expect(big.backend).toBe('ort');
    expect(big.reason).toMatch(
      /^auto: ONNX Runtime, faster for this network \(29\.1 M multiply-adds a step at batch 128/,
    );
  });

  it('keeps the TypeScript engine when a run is too short for ONNX Runtime to pay off', () => {
    const short = chooseBackend({ model: mlp, config: adam({ epochs: 1 }), rows: 128, ortAvailable: true });
    expect(short.backend).toBe('ts');
    expect(short.reason).toMatch(/too short for ONNX Runtime's set-up to pay off \(1 steps/);
  });

  it('uses the batch the run will have: full batch is every row, and a batch never exceeds the rows', () => {
    const full = chooseBackend({ model: mlp, config: adam({ batchSize: 0 }), rows: 1000, ortAvailable: true });
    expect(full.reason).toContain('at batch 1000');
    const capped = chooseBackend({ model: mlp, config: adam({ batchSize: 512 }), rows: 300, ortAvailable: true });
    expect(capped.reason).toContain('at batch 300');
  });

  it('takes the settings as chosen, and the TypeScript engine where ONNX Runtime is missing', () => {
    expect(chooseBackend({ model: mlp, config: adam({ backend: 'ts' }), rows: 60_000 }).backend).toBe('ts');
    expect(chooseBackend({ model: tiny, config: adam({ backend: 'ort' }), rows: 10 })).toEqual({
      backend: 'ort',
      reason: 'ONNX Runtime, as chosen in the settings',
    });
    const none = chooseBackend({ model: mlp, config: adam(), rows: 60_000, ortAvailable: false });
    expect(none).toEqual({
      backend: 'ts',
      reason: 'auto: the TypeScript engine (ONNX Runtime is not available here)',
    });
  });

  it('leaves the perceptron rule on its own backend', () => {
    const t = getTemplate('perceptron');
    const model = new CompiledModel(t.graph);
    const c = chooseBackend({ model, config: makeTrainConfig(t.training), rows: 100, ortAvailable: true });
    expect(c.backend).toBe('perceptron');
  });
});

describe('the training session with auto', () => {
  const circle = getBuiltinDataset('circle', { n: 200, noise: 0.1 });
  const request = (config: object) => ({
    graph: tiny.graph,
    config: makeTrainConfig({ epochs: 2, batchSize: 10, optimizer: { name: 'sgd', lr: 0.03 }, ...config }),
    name: 'auto',
    data: { train: circle, summary: '' },
    start: 'fresh' as const,
    weights: null,
  });

  it('says which backend it trains on and why, in the note and the start event', async () => {
    const s = await TrainingSession.start({}, request({}));
    expect(s.backend.backend).toBe('ts');
    expect(s.backendNote).toBe(
      'backend: the TypeScript engine; auto: the TypeScript engine (ONNX Runtime is not available here)',
    );
    const first = await s.events().next();
    expect(first.value).toMatchObject({ type: 'start', backend: 'ts', backendReason: s.backend.reason });
    s.stop();
  });

  it("falls back to the TypeScript engine when ONNX Runtime, auto's choice, cannot start", async () => {
    let asked = 0;
    const createBackend = (): Promise<TrainBackend> => {
      asked++;
      return Promise.reject(new Error('libonnxruntime.so: cannot open shared object file.'));
    };
    // A network large enough for auto to choose ONNX Runtime.
    const big = { ...request({ epochs: 50, batchSize: 128 }), graph: mlp.graph };
    big.data = { train: digitsLike(256), summary: '' };
    const s = await TrainingSession.start({ createBackend }, big);
    expect(asked).toBe(1);
    expect(s.backend).toEqual(autoFallback('libonnxruntime.so: cannot open shared object file.'));
    expect(s.backend.reason).toBe(
      'auto: the TypeScript engine, because ONNX Runtime could not start (libonnxruntime.so: cannot open shared object file)',
    );
    expect(s.trainer.backend.name).toBe('ts');
    s.stop();
    // Asked for ONNX Runtime by name, its error is the answer.
    await expect(
      TrainingSession.start({ createBackend }, { ...big, config: { ...big.config, backend: 'ort' } }),
    ).rejects.toThrow(/libonnxruntime/);
  });
});

/** MNIST-shaped rows (784 features, 10 classes) for the session tests. */
function digitsLike(rows: number) {
  const x = new Float32Array(rows * 784).map((_, i) => (i % 7) / 7);
  const y = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) y[r * 10 + (r % 10)] = 1;
  return {
    name: 'digits-like',
    x,
    y,
    rows,
    features: 784,
    targets: 10,
    task: 'multiclass' as const,
    featureNames: Array.from({ length: 784 }, (_, i) => `p${i}`),
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}
