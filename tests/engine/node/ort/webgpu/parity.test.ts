/**
 * ONNX Runtime's WebGPU provider against its CPU provider: 50 training steps of every optimizer and
 * every loss, parameters and optimizer state resident on the device between runs (K-step runs of the
 * unrolled graph, single steps, a partial last batch), weights read back through the copy session.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OrtBackend } from '../../../../../src-engine/node/ort/ort-backend.ts';
import { makeTrainConfig, OPTIMIZERS, type TrainConfig } from '../../../../../src-engine/train/config.ts';
import { testNets, type TestNet } from '../../../onnx/graphs.ts';
import { cpuGpuParity, STEPS } from './cpu-gpu.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

const BATCH = 16;
const opened: OrtBackend[] = [];
afterAll(async () => {
  for (const b of opened) await b.dispose();
});

/** 50 steps on both providers, the learning rate changing every step, the last batch of 7 rows. */
const parity = async (net: TestNet, config: TrainConfig) => {
  const r = await cpuGpuParity(net, config, {
    batch: BATCH,
    lastBatch: 7,
    lrAt: (s) => config.optimizer.lr * (1 - s / (2 * STEPS)),
    opened,
  });
  expect(r.lastPredLength).toBe(7 * net.targets);
  return r;
};

describe('WebGPU provider: 50 training steps match the CPU provider', () => {
  const base = testNets()[0]!; // softmax + cce, two hidden layers
  for (const name of OPTIMIZERS) {
    it(`optimizer ${name}: losses and weights within 1e-4 relative`, async (ctx) => {
      need(ctx, await webgpu());
      const config = makeTrainConfig({
        optimizer: { name, lr: ['sgd', 'momentum', 'nesterov', 'adagrad'].includes(name) ? 0.1 : 0.01 },
        l2: 1e-3,
        clipNorm: name === 'adam' ? 0.5 : 0,
      });
      const r = await parity(base, config);
      await ctx.annotate(
        `worst relative gap: loss ${r.lossGap.toExponential(1)}, weights ${r.weightGap.toExponential(1)}`,
      );
      expect(r.losses.length).toBe(STEPS);
      expect(r.lossGap).toBeLessThan(1e-4);
      expect(r.weightGap).toBeLessThan(1e-4);
      // It learned: the last five losses average below the first.
      expect(r.losses.slice(-6, -1).reduce((a, [, b]) => a + b, 0) / 5).toBeLessThan(r.losses[0]![1]);
      // Parameters and optimizer state stayed on the device between runs.
      const where = Object.values(r.residentAfterKSteps);
      expect(where.length).toBe(r.gpu.io.carried.length);
      expect(new Set(where)).toEqual(new Set(['gpu-buffer']));
    });
  }
  for (const net of testNets().slice(1)) {
    it(`loss of '${net.name}': 50 Adam steps within 1e-4 relative`, async (ctx) => {
      need(ctx, await webgpu());
      const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 }, l1: net.name === 'mae' ? 1e-3 : 0 });
      const r = await parity(net, config);
      await ctx.annotate(
        `worst relative gap: loss ${r.lossGap.toExponential(1)}, weights ${r.weightGap.toExponential(1)}`,
      );
      expect(r.lossGap).toBeLessThan(1e-4);
      expect(r.weightGap).toBeLessThan(1e-4);
    });
  }
});
