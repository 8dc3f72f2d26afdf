/**
 * ONNX Runtime's WebGPU provider against its CPU provider: 50 training steps of every optimizer and
 * every loss, parameters and optimizer state resident on the device between runs (K-step runs of the
 * unrolled graph, single steps, a partial last batch), weights read back through the copy session.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildForward } from '../../../../../src-engine/model/compile.ts';
import { OrtBackend } from '../../../../../src-engine/node/ort/ort-backend.ts';
import { makeTrainConfig, OPTIMIZERS, type TrainConfig } from '../../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../../../src-engine/model/compile.ts';
import { testData, testNets, type TestNet } from '../../../onnx/graphs.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

const STEPS = 50;
const BATCH = 16;
const K = 5;
const opened: OrtBackend[] = [];
afterAll(async () => {
  for (const b of opened) await b.dispose();
});

const rel = (a: number, b: number, floor: number) => Math.abs(a - b) / Math.max(Math.abs(a), floor);

/**
 * 50 steps on both providers from the same weights and masks: 45 in runs of K unrolled steps, four
 * single steps, then a partial batch of 7 rows. The learning rate changes every step.
 */
async function parity(net: TestNet, config: TrainConfig) {
  const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(11));
  const open = async (ep: 'cpu' | 'webgpu') => {
    const b = await OrtBackend.create(net.graph, config, weights, new SeededRng(5), { ep, stepsPerRun: K });
    opened.push(b);
    return b;
  };
  const cpu = await open('cpu');
  const gpu = await open('webgpu');
  const { x, y } = testData(net, STEPS * BATCH, 21);
  const F = net.features;
  const T = net.targets;
  const lrAt = (s: number) => config.optimizer.lr * (1 - s / (2 * STEPS));
  const losses: [number, number][] = [];
  let s = 0;
  for (; s + K <= 45; s += K) {
    const xs = x.subarray(s * BATCH * F, (s + K) * BATCH * F);
    const ys = y.subarray(s * BATCH * T, (s + K) * BATCH * T);
    const lrs = Array.from({ length: K }, (_, j) => lrAt(s + j));
    const a = await cpu.stepMany(xs, ys, BATCH, K, lrs, s + 1);
    const b = await gpu.stepMany(xs, ys, BATCH, K, lrs, s + 1);
    for (let j = 0; j < K; j++) losses.push([a.losses[j]!, b.losses[j]!]);
  }
  const residentAfterKSteps = gpu.tensorLocations();
  for (; s < STEPS; s++) {
    const n = s === STEPS - 1 ? 7 : BATCH;
    const xs = x.slice(s * BATCH * F, (s * BATCH + n) * F);
    const ys = y.slice(s * BATCH * T, (s * BATCH + n) * T);
    const a = await cpu.step(xs, ys, n, lrAt(s), s + 1);
    const b = await gpu.step(xs, ys, n, lrAt(s), s + 1);
    losses.push([a.loss, b.loss]);
    if (s === STEPS - 1) expect(b.pred.length).toBe(7 * T);
  }
  const wc = await cpu.getWeights();
  const wg = await gpu.getWeights();
  let weightGap = 0;
  for (const [name, w] of wc) {
    const g = wg.get(name)!.data;
    for (let i = 0; i < w.data.length; i++) weightGap = Math.max(weightGap, rel(w.data[i]!, g[i]!, 1));
  }
  const lossGap = Math.max(...losses.map(([a, b]) => rel(a, b, 1e-3)));
  return { losses, lossGap, weightGap, residentAfterKSteps, gpu };
}

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
