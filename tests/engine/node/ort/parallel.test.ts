import { afterAll, describe, expect, it } from 'vitest';
import { buildForward, compiled, initWeights } from '../../../../src-engine/model/compile.ts';
import { isTrainable } from '../../../../src-engine/layers/params.ts';
import { createOrtBackend } from '../../../../src-engine/node/ort/index.ts';
import { OrtBackend } from '../../../../src-engine/node/ort/ort-backend.ts';
import { ParallelOrtBackend } from '../../../../src-engine/node/ort/parallel.ts';
import { makeTrainConfig, OPTIMIZERS, type TrainConfig } from '../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../src-engine/tensor/rng.ts';
import { TsBackend } from '../../../../src-engine/train/ts-backend.ts';
import type { WeightSet } from '../../../../src-engine/tensor/weights.ts';
import { testData, testNets, type TestNet } from '../../onnx/graphs.ts';

const STEPS = 50;
const BATCH = 16;
const opened: { dispose(): Promise<void> }[] = [];
afterAll(async () => {
  for (const b of opened) await b.dispose();
});

async function parallel(net: TestNet, config: TrainConfig, weights: WeightSet, shares = 2, maxRows = BATCH) {
  const b = await ParallelOrtBackend.create(compiled(net.graph), config, weights, new SeededRng(5), {
    shares,
    maxRows,
  });
  opened.push(b);
  return b;
}

function gap(a: WeightSet, b: WeightSet): number {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let worst = 0;
  for (const [name, w] of a) {
    const o = b.get(name)!.data;
    for (let i = 0; i < w.data.length; i++)
      worst = Math.max(worst, Math.abs(w.data[i]! - o[i]!) / Math.max(1, Math.abs(w.data[i]!)));
  }
  return worst;
}

/** The batch split over `shares` cores against the TypeScript engine's whole-batch steps. */
async function parity(net: TestNet, config: TrainConfig, shares = 2, steps = STEPS) {
  const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(11));
  const ts = new TsBackend(net.graph, config, weights, new SeededRng(5));
  const par = await parallel(net, config, weights, shares);
  const { x, y } = testData(net, (steps + 1) * BATCH * 2, 21);
  const F = net.features;
  const T = net.targets;
  let worst = 0;
  const losses: number[] = [];
  let uneven = 0;
  for (let s = 0; s < steps; s++) {
    // Partial batches (7 rows: shares of 4 and 3), and a batch larger than the batch size (its
    // excess runs on the first core) go through the same graphs.
    const n = s % 10 === 9 ? 7 : s % 10 === 4 ? BATCH + 5 : BATCH;
    if (n % shares) uneven++;
    const xb = x.slice(s * 2 * BATCH * F, (s * 2 * BATCH + n) * F);
    const yb = y.slice(s * 2 * BATCH * T, (s * 2 * BATCH + n) * T);
    const lr = config.optimizer.lr * (1 - s / (2 * steps));
    const a = ts.step(xb, yb, n, lr, s + 1);
    const b = await par.step(xb, yb, n, lr, s + 1);
    losses.push(b.loss);
    worst = Math.max(worst, Math.abs(a.loss - b.loss) / Math.max(Math.abs(a.loss), 1e-3));
    expect(b.pred.length).toBe(n * T);
    for (let i = 0; i < n * T; i++) expect(b.pred[i]).toBeCloseTo(a.pred[i]!, 4);
  }
  expect(uneven).toBeGreaterThan(0);
  return { worst, weightGap: gap(ts.getWeights(), par.getWeights()), losses };
}

describe('ONNX Runtime on several cores: each mini-batch split, one update', () => {
  const base = testNets()[0]!; // softmax + cce, two hidden layers
  for (const name of OPTIMIZERS) {
    it(`optimizer ${name} with L2 (and clipping for adam): 50 steps match the TypeScript engine within 1e-4`, async () => {
      const config = makeTrainConfig({
        batchSize: BATCH,
        optimizer: { name, lr: ['sgd', 'momentum', 'nesterov', 'adagrad'].includes(name) ? 0.1 : 0.01 },
        l2: 1e-3,
        clipNorm: name === 'adam' ? 0.5 : 0,
      });
      const r = await parity(base, config);
      expect(r.worst).toBeLessThan(1e-4);
      expect(r.weightGap).toBeLessThan(1e-4);
      expect(r.losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(r.losses[0]!);
    });
  }

  it('L1 and MAE (whose ±1/N gradient parts cancel exactly in the whole step) on three cores', async () => {
    const net = testNets().find((n) => n.name === 'mae')!;
    const r = await parity(
      net,
      makeTrainConfig({ batchSize: BATCH, optimizer: { name: 'adam', lr: 0.01 }, l1: 1e-3 }),
      3,
    );
    expect(r.worst).toBeLessThan(1e-4);
    expect(r.weightGap).toBeLessThan(1e-4);
  });

  for (const net of testNets().filter(
    (n) => n.image && buildForward(n.graph, { training: true }).params.every(isTrainable),
  ))
    for (const name of ['sgd', 'adam'] as const)
      it(`'${net.name}' with ${name}: 50 steps match within 1e-4`, async () => {
        const r = await parity(
          net,
          makeTrainConfig({ batchSize: BATCH, optimizer: { name, lr: name === 'sgd' ? 0.05 : 0.01 } }),
        );
        expect(r.worst).toBeLessThan(1e-4);
        expect(r.weightGap).toBeLessThan(1e-4);
      });

  it('draws dropout masks as the one-core backend does and splits them with the rows', async () => {
    const net = testNets()[3]!; // has dropout
    const config = makeTrainConfig({ batchSize: 8, optimizer: { name: 'adam', lr: 0.01 } });
    const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(2));
    const one = await OrtBackend.create(net.graph, config, weights, new SeededRng(5), { stepsPerRun: 4 });
    opened.push(one);
    const par = await parallel(net, config, weights, 2, 8);
    const { x, y } = testData(net, 4 * 8, 4);
    const a = await one.stepMany(x, y, 8, 4, [0.01], 1);
    const b = await par.stepMany(x, y, 8, 4, [0.01], 1);
    for (let s = 0; s < 4; s++) expect(b.losses[s]).toBeCloseTo(a.losses[s]!, 5);
    for (let i = 0; i < a.pred.length; i++) expect(b.pred[i]).toBeCloseTo(a.pred[i]!, 5);
    expect(gap(await one.getWeights(), par.getWeights())).toBeLessThan(1e-5);
  });

  it('keeps the optimizer state under the one-core names, and a restored run continues exactly', async () => {
    const net = testNets()[0]!;
    const config = makeTrainConfig({ batchSize: BATCH, optimizer: { name: 'adam', lr: 0.01 } });
    const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(2));
    const one = await OrtBackend.create(net.graph, config, weights, new SeededRng(5));
    opened.push(one);
    const a = await parallel(net, config, weights);
    const b = await parallel(net, config, weights);
    const { x, y } = testData(net, 10 * BATCH, 3);
    const batch = (s: number) => [x.subarray(s * BATCH * net.features), y.subarray(s * BATCH * net.targets)] as const;
    for (let s = 0; s < 5; s++) {
      await a.step(...batch(s), BATCH, 0.01, s + 1);
      await one.step(...batch(s), BATCH, 0.01, s + 1);
    }
    const saved = a.getTrainingState();
    const oneState = await one.getTrainingState();
    expect([...saved.state.keys()].sort()).toEqual([...oneState.state.keys()].sort());
    expect(gap(oneState.state, saved.state)).toBeLessThan(1e-5);
    b.setWeights(a.getWeights());
    b.setTrainingState(saved);
    for (let s = 5; s < 10; s++) {
      const la = (await a.step(...batch(s), BATCH, 0.01, s + 1)).loss;
      const lb = (await b.step(...batch(s), BATCH, 0.01, s + 1)).loss;
      expect(lb).toBe(la);
    }
    for (const [name, w] of a.getWeights()) expect([...b.getWeights().get(name)!.data]).toEqual([...w.data]);
    // setWeights with a reset clears the state.
    b.setWeights(weights, true);
    for (const w of b.getTrainingState().state.values()) expect(w.data.every((v) => v === 0)).toBe(true);
  });

  it('prepare() warms every core without touching weights, state or the mask generator', async () => {
    const net = testNets()[3]!;
    const config = makeTrainConfig({ batchSize: 8, optimizer: { name: 'adam', lr: 0.01 } });
    const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(2));
    const a = await parallel(net, config, weights, 2, 8);
    const b = await parallel(net, config, weights, 2, 8);
    await a.prepare(8);
    const { x, y } = testData(net, 4 * 8, 4);
    const ra = await a.stepMany(x, y, 8, 4, [0.01], 1);
    const rb = await b.stepMany(x, y, 8, 4, [0.01], 1);
    expect([...ra.losses]).toEqual([...rb.losses]);
    for (const [name, w] of a.getWeights()) expect([...w.data]).toEqual([...b.getWeights().get(name)!.data]);
  });

  it('createOrtBackend splits the batches of convolutional networks on two or more CPU cores, and only where it pays', async () => {
    const cnn = testNets().find((n) => n.name === 'CNN with overlapping max pooling')!;
    const mlp = testNets()[0]!;
    const bn = testNets().find((n) => n.name === 'LeNet-like CNN with batch norm')!;
    const config = makeTrainConfig({ batchSize: 32 });
    const split = await createOrtBackend({ graph: cnn.graph, config, threads: 2 });
    opened.push(split);
    expect(split).toBeInstanceOf(ParallelOrtBackend);
    expect(split.providerNote).toBe('backend: ONNX Runtime on cpu (2 cores, each mini-batch split between them)');
    for (const [graph, c, threads] of [
      [mlp.graph, config, 2], // short steps: the hand-offs would cost more than they save
      [bn.graph, config, 2], // batch statistics
      [cnn.graph, makeTrainConfig({ batchSize: 0 }), 2], // full batch
      [cnn.graph, makeTrainConfig({ batchSize: 16 }), 2], // under MIN_ROWS_PER_CORE rows a core
      [cnn.graph, config, 1],
    ] as const) {
      const b = await createOrtBackend({ graph, config: c, threads });
      opened.push(b);
      expect(b).toBeInstanceOf(OrtBackend);
      expect(b.providerNote).toMatch(/ONNX Runtime on cpu \(\d threads?\)/);
    }
  });
});
