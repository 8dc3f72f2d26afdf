/**
 * The parity walk shared by the WebGPU tests: 50 training steps on ONNX Runtime's CPU and WebGPU
 * providers from the same weights and dropout masks — 45 in runs of K unrolled steps, then single
 * steps, the last on a partial batch — and the worst relative gaps of their losses and weights.
 */
import { buildForward, initWeights } from '../../../../../src-engine/model/compile.ts';
import { OrtBackend } from '../../../../../src-engine/node/ort/ort-backend.ts';
import type { TrainConfig } from '../../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../../src-engine/tensor/rng.ts';
import { testData, type TestNet } from '../../../onnx/graphs.ts';

export const STEPS = 50;
const K = 5;

const rel = (a: number, b: number, floor: number) => Math.abs(a - b) / Math.max(Math.abs(a), floor);

export interface ParityOptions {
  batch: number;
  /** Rows of the last, partial batch. */
  lastBatch: number;
  /** The learning rate at each step (default: the config's, fixed). */
  lrAt?: (step: number) => number;
  /** Backends opened here, for the caller's afterAll to dispose. */
  opened: OrtBackend[];
}

export async function cpuGpuParity(net: TestNet, config: TrainConfig, o: ParityOptions) {
  const { batch: B, lastBatch } = o;
  const lrAt = o.lrAt ?? (() => config.optimizer.lr);
  const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(11));
  const open = async (ep: 'cpu' | 'webgpu') => {
    const b = await OrtBackend.create(net.graph, config, weights, new SeededRng(5), { ep, stepsPerRun: K });
    o.opened.push(b);
    return b;
  };
  const cpu = await open('cpu');
  const gpu = await open('webgpu');
  const { x, y } = testData(net, STEPS * B, 21);
  const F = net.features;
  const T = net.targets;
  const losses: [number, number][] = [];
  let s = 0;
  for (; s + K <= 45; s += K) {
    const xs = x.subarray(s * B * F, (s + K) * B * F);
    const ys = y.subarray(s * B * T, (s + K) * B * T);
    const lrs = Array.from({ length: K }, (_, j) => lrAt(s + j));
    const a = await cpu.stepMany(xs, ys, B, K, lrs, s + 1);
    const b = await gpu.stepMany(xs, ys, B, K, lrs, s + 1);
    for (let j = 0; j < K; j++) losses.push([a.losses[j]!, b.losses[j]!]);
  }
  const residentAfterKSteps = gpu.tensorLocations();
  let lastPredLength = 0;
  for (; s < STEPS; s++) {
    const n = s === STEPS - 1 ? lastBatch : B;
    const xs = x.slice(s * B * F, (s * B + n) * F);
    const ys = y.slice(s * B * T, (s * B + n) * T);
    const a = await cpu.step(xs, ys, n, lrAt(s), s + 1);
    const b = await gpu.step(xs, ys, n, lrAt(s), s + 1);
    losses.push([a.loss, b.loss]);
    lastPredLength = b.pred.length;
  }
  const wc = await cpu.getWeights();
  const wg = await gpu.getWeights();
  let weightGap = 0;
  for (const [name, w] of wc) {
    const g = wg.get(name)!.data;
    for (let i = 0; i < w.data.length; i++) weightGap = Math.max(weightGap, rel(w.data[i]!, g[i]!, 1));
  }
  const lossGap = Math.max(...losses.map(([a, b]) => rel(a, b, 1e-3)));
  return { losses, lossGap, weightGap, residentAfterKSteps, lastPredLength, gpu };
}
