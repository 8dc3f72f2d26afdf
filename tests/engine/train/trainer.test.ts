/**
 * The trainer's contract: determinism, pause / stepOnce / resume / stop, divergence recovery,
 * early stopping and validation metrics.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { Trainer, type TrainEvent } from '../../../src-engine/train/trainer.ts';
import { chain } from '../backprop/util.ts';

/** y = 2 x0 - x1 + 0.5 (+ a little noise), regression. */
function regression(rows: number, seed = 1, noise = 0.05): Dataset {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.normal();
    const b = rng.normal();
    x[2 * r] = a;
    x[2 * r + 1] = b;
    y[r] = 2 * a - b + 0.5 + noise * rng.normal();
  }
  return {
    name: 'linear',
    x,
    y,
    rows,
    features: 2,
    targets: 1,
    task: 'regression',
    featureNames: ['a', 'b'],
    targetNames: ['y'],
  };
}

/** Two Gaussian blobs, binary. */
function blobs(rows: number, seed = 2): Dataset {
  const rng = new SeededRng(seed);
  const x = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 2;
    x[2 * r] = rng.normal() * 0.7 + (c ? 1.5 : -1.5);
    x[2 * r + 1] = rng.normal() * 0.7 + (c ? 1 : -1);
    y[r] = c;
  }
  return {
    name: 'blobs',
    x,
    y,
    rows,
    features: 2,
    targets: 1,
    task: 'binary',
    featureNames: ['a', 'b'],
    classNames: ['0', '1'],
  };
}

const regressionNet = (): GraphDoc =>
  chain(
    2,
    [
      ['h', 'Dense', { units: 6, activation: 'tanh' }],
      ['drop', 'Dropout', { rate: 0.25 }],
    ],
    { units: 1, activation: 'linear', loss: 'mse' },
  );
const classifierNet = (): GraphDoc =>
  chain(2, [['h', 'Dense', { units: 5, activation: 'relu' }]], { units: 1, activation: 'sigmoid', loss: 'bce' });
/** Input → Output, linear: the loss is quadratic in (W, b). */
const linearNet = (loss = 'mse'): GraphDoc => chain(2, [], { units: 1, activation: 'linear', loss });

function sameBits(a: WeightSet, b: WeightSet): boolean {
  if (a.size !== b.size) return false;
  for (const [name, w] of a) {
    const o = b.get(name);
    if (!o) return false;
    const x = new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
    const y = new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength);
    if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
  }
  return true;
}

const finite = (w: WeightSet) => [...w.values()].every((v) => v.data.every(Number.isFinite));

async function collect(trainer: Trainer): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  await trainer.runToEnd((e) => events.push(e));
  return events;
}

/** Resolves to the value, or to 'pending' if the promise has not settled after `ms`. */
async function settledWithin<T>(p: Promise<T>, ms = 30): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('determinism', () => {
  const config = makeTrainConfig({
    epochs: 6,
    batchSize: 7,
    seed: 42,
    optimizer: { name: 'adam', lr: 0.02 },
    shuffle: true,
    validationSplit: 0.2,
  });

  it('the same seed gives bit-identical weights and metrics (shuffling, dropout, partial batches, validation split)', async () => {
    const a = new Trainer({ graph: regressionNet(), config, train: regression(45) });
    const b = new Trainer({ graph: regressionNet(), config, train: regression(45) });
    const ea = await collect(a);
    const eb = await collect(b);
    expect(sameBits(await a.backend.getWeights(), await b.backend.getWeights())).toBe(true);
    const metrics = (es: TrainEvent[]) =>
      es.filter((e) => e.type === 'epoch').map((e) => (e as Extract<TrainEvent, { type: 'epoch' }>).metrics);
    expect(metrics(ea)).toEqual(metrics(eb));
  });

  it('another seed gives other weights', async () => {
    const a = new Trainer({ graph: regressionNet(), config, train: regression(45) });
    const b = new Trainer({ graph: regressionNet(), config: { ...config, seed: 43 }, train: regression(45) });
    await collect(a);
    await collect(b);
    expect(sameBits(await a.backend.getWeights(), await b.backend.getWeights())).toBe(false);
  });

  it('pausing, single-stepping and resuming do not change the result', async () => {
    const plain = new Trainer({ graph: regressionNet(), config, train: regression(45) });
    await collect(plain);
    const t = new Trainer({ graph: regressionNet(), config, train: regression(45) });
    const gen = t.run();
    t.pause();
    expect((await gen.next()).value).toMatchObject({ type: 'start' });
    expect((await gen.next()).value).toMatchObject({ type: 'paused' });
    for (let i = 0; i < 5; i++) {
      const p = gen.next();
      t.stepOnce();
      const e = (await p).value as TrainEvent;
      expect(['paused', 'epoch']).toContain(e.type);
      if (e.type === 'epoch') expect((await gen.next()).value).toMatchObject({ type: 'paused' });
    }
    const p = gen.next();
    t.resume();
    expect((await p).value).toMatchObject({ type: 'resumed' });
    let last: TrainEvent | undefined;
    for await (const e of gen) last = e;
    expect(last).toMatchObject({ type: 'done', reason: 'completed', epochs: 6 });
    expect(sameBits(await plain.backend.getWeights(), await t.backend.getWeights())).toBe(true);
  });
});

describe('pause, stepOnce, resume, stop', () => {
  // 20 rows in batches of 5: 4 batches per epoch.
  const config = makeTrainConfig({ epochs: 3, batchSize: 5, seed: 3, optimizer: { name: 'sgd', lr: 0.05 } });

  it('a paused run waits; stepOnce runs exactly one batch; resume continues to the end', async () => {
    const t = new Trainer({ graph: linearNet(), config, train: regression(20), batchEvery: 1 });
    const gen = t.run();
    const next = async () => (await gen.next()).value as TrainEvent;
    t.pause();
    expect(await next()).toMatchObject({
      type: 'start',
      batchesPerEpoch: 4,
      batchSize: 5,
      rows: 20,
      epochs: 3,
      params: 3,
    });
    expect(await next()).toEqual({ type: 'paused', epoch: 0, batch: 0 });

    const before = await t.backend.getWeights();
    const waiting = next();
    expect(await settledWithin(waiting)).toBe('pending');
    expect(sameBits(before, await t.backend.getWeights())).toBe(true);

    t.stepOnce();
    expect(await waiting).toMatchObject({ type: 'batch', epoch: 0, batch: 0 });
    expect(sameBits(before, await t.backend.getWeights())).toBe(false);
    expect(await next()).toEqual({ type: 'paused', epoch: 0, batch: 1 });

    // Stepping through the end of an epoch: the epoch event, then paused at the next epoch's first batch.
    for (let b = 1; b < 4; b++) {
      const p = next();
      t.stepOnce();
      expect(await p).toMatchObject({ type: 'batch', epoch: 0, batch: b });
      if (b < 3) expect(await next()).toEqual({ type: 'paused', epoch: 0, batch: b + 1 });
    }
    expect(await next()).toMatchObject({ type: 'epoch', epoch: 0 });
    expect(await next()).toEqual({ type: 'paused', epoch: 1, batch: 0 });

    const p = next();
    t.resume();
    expect(await p).toEqual({ type: 'resumed' });
    const rest: TrainEvent[] = [];
    for await (const e of gen) rest.push(e);
    expect(rest.filter((e) => e.type === 'batch')).toHaveLength(8);
    expect(rest.filter((e) => e.type === 'paused')).toHaveLength(0);
    expect(rest.at(-1)).toMatchObject({ type: 'done', reason: 'completed', epochs: 3 });
  });

  it('stop ends the run before the next batch with reason "stopped"', async () => {
    const t = new Trainer({
      graph: linearNet(),
      config: { ...config, epochs: 50 },
      train: regression(20),
      batchEvery: 1,
    });
    const events: TrainEvent[] = [];
    for await (const e of t.run()) {
      events.push(e);
      if (e.type === 'batch' && e.epoch === 1 && e.batch === 1) t.stop();
    }
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches.at(-1)).toMatchObject({ epoch: 1, batch: 1 });
    expect(batches).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'stopped', epochs: 1 });
  });

  it('stop while paused ends the run without another batch', async () => {
    const t = new Trainer({ graph: linearNet(), config, train: regression(20), batchEvery: 1 });
    const gen = t.run();
    t.pause();
    expect((await gen.next()).value).toMatchObject({ type: 'start' });
    expect((await gen.next()).value).toMatchObject({ type: 'paused', epoch: 0, batch: 0 });
    const before = await t.backend.getWeights();
    const p = gen.next();
    t.stop();
    expect((await p).value).toMatchObject({ type: 'done', reason: 'stopped', epochs: 0, metrics: null });
    expect((await gen.next()).done).toBe(true);
    expect(sameBits(before, await t.backend.getWeights())).toBe(true);
  });
});

describe('divergence', () => {
  it('a huge learning rate diverges in the first epoch: "diverged", initial weights kept', async () => {
    const data = regression(32);
    for (let i = 0; i < data.y.length; i++) data.y[i] *= 1000;
    const config = makeTrainConfig({
      epochs: 20,
      batchSize: 4,
      seed: 5,
      optimizer: { name: 'sgd', lr: 100 },
      shuffle: false,
    });
    const t = new Trainer({ graph: linearNet('sum_squares'), config, train: data });
    const initial = await t.backend.getWeights();
    const events = await collect(t);
    const diverged = events.find((e) => e.type === 'diverged');
    expect(diverged).toMatchObject({ type: 'diverged', epoch: 0 });
    expect((diverged as { message: string }).message).toMatch(/diverged/);
    // Each epoch's starting state is kept only when asked for (keepEpochStart: a copy an epoch).
    expect(diverged).not.toHaveProperty('epochStart');
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'diverged', epochs: 0 });
    const w = await t.backend.getWeights();
    expect(finite(w)).toBe(true);
    expect(sameBits(w, initial)).toBe(true);
  });

  it('continuing on new data whose first batch is easy is no explosion: the reference is the starting loss', async () => {
    // Learn the blobs, then continue on the same points with every label but the first batch's flipped.
    const learned = new Trainer({
      graph: classifierNet(),
      config: makeTrainConfig({ epochs: 60, batchSize: 8, seed: 3, optimizer: { name: 'adam', lr: 0.05 } }),
      train: blobs(96),
    });
    expect((await learned.runToEnd()).reason).toBe('completed');
    const flipped = blobs(96);
    for (let r = 8; r < flipped.rows; r++) flipped.y[r] = 1 - flipped.y[r]!;
    const config = makeTrainConfig({
      epochs: 3,
      batchSize: 8,
      seed: 3,
      shuffle: false,
      optimizer: { name: 'sgd', lr: 0.01 },
    });
    const t = new Trainer({
      graph: classifierNet(),
      config,
      train: flipped,
      initialWeights: await learned.backend.getWeights(),
      batchEvery: 1,
    });
    const events = await collect(t);
    const losses = events.flatMap((e) => (e.type === 'epoch' ? [e.metrics.loss] : []));
    // The first batch fits (a tiny loss), the epoch does not: more than ten times that batch's loss.
    const first = events.find((e) => e.type === 'batch') as { loss: number };
    expect(losses[0]!).toBeGreaterThan(10 * first.loss);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'completed' });
    expect(losses).toHaveLength(3);
  });

  it('a blow-up is caught when the loss explodes, long before it is NaN, and the best epoch is restored', async () => {
    // lr 1 on a quadratic with curvature up to ~4: each full-batch step multiplies the error by ~3.
    const config = makeTrainConfig({ epochs: 500, batchSize: 0, seed: 6, optimizer: { name: 'sgd', lr: 1 } });
    const t = new Trainer({ graph: linearNet(), config, train: regression(16) });
    const weightsAt: WeightSet[] = [await t.backend.getWeights()];
    const losses: number[] = [];
    let diverged: Extract<TrainEvent, { type: 'diverged' }> | undefined;
    for await (const e of t.run()) {
      if (e.type === 'epoch') {
        losses.push(e.metrics.loss);
        weightsAt.push(await t.backend.getWeights());
      }
      if (e.type === 'diverged') diverged = e;
      if (e.type === 'done') expect(e.reason).toBe('diverged');
    }
    expect(diverged).toBeDefined();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.length).toBeLessThan(20);
    const kept = Number(/The (?:weights from the end of epoch (\d+)|initial weights)/.exec(diverged!.message)![1] ?? 0);
    expect(diverged!.message).toMatch(/^Training diverged in epoch \d+: the loss (exploded to|rose for)/);
    const w = await t.backend.getWeights();
    expect(finite(w)).toBe(true);
    expect(sameBits(w, weightsAt[kept]!)).toBe(true);
  });

  it('SGD at learning rate 100 on a classifier stops as diverged instead of "completing" with a huge loss', async () => {
    const config = makeTrainConfig({ epochs: 60, batchSize: 8, seed: 3, optimizer: { name: 'sgd', lr: 100 } });
    const t = new Trainer({ graph: classifierNet(), config, train: blobs(64) });
    const events = await collect(t);
    const done = events.at(-1) as Extract<TrainEvent, { type: 'done' }>;
    expect(done.reason).toBe('diverged');
    const d = events.find((e) => e.type === 'diverged') as Extract<TrainEvent, { type: 'diverged' }>;
    expect(d.message).toMatch(/were restored\.$/);
    expect(d.advice).toBe('Try a smaller learning rate or gradient clipping.');
    // The restored weights are no worse than the untrained network's.
    const { loss } = await t.backend.evaluate(t.train.x, t.train.y, t.train.rows);
    expect(loss).toBeLessThan(1);
  });

  it('Adam at learning rate 100 on a regression stops as diverged and keeps a model better than R² −64', async () => {
    const config = makeTrainConfig({ epochs: 100, batchSize: 8, seed: 4, optimizer: { name: 'adam', lr: 100 } });
    const graph = chain(2, [['h', 'Dense', { units: 16, activation: 'relu' }]], {
      units: 1,
      activation: 'linear',
      loss: 'mse',
    });
    const t = new Trainer({ graph, config, train: regression(128) });
    const events = await collect(t);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'diverged' });
    const { loss } = await t.backend.evaluate(t.train.x, t.train.y, t.train.rows);
    let variance = 0;
    const mean = t.train.y.reduce((a, b) => a + b, 0) / t.train.rows;
    for (const v of t.train.y) variance += (v - mean) ** 2 / t.train.rows;
    expect(1 - loss / variance).toBeGreaterThan(-5);
  });

  it('does not call ordinary noisy training diverged', async () => {
    for (const [name, lr, batchSize] of [
      ['sgd', 0.5, 4],
      ['momentum', 0.1, 1],
      ['adam', 0.05, 2],
    ] as const) {
      const config = makeTrainConfig({ epochs: 150, batchSize, seed: 9, optimizer: { name, lr } });
      const t = new Trainer({ graph: classifierNet(), config, train: blobs(48) });
      const done = await t.runToEnd();
      expect(done.reason, `${name} lr ${lr}`).toBe('completed');
    }
  });

  it('refuses starting weights that are not finite', async () => {
    const config = makeTrainConfig({ epochs: 1 });
    const w = await new Trainer({ graph: linearNet(), config, train: regression(8) }).backend.getWeights();
    const bad: WeightSet = new Map([...w].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
    bad.get([...bad.keys()][0]!)!.data[0] = Infinity;
    expect(() => new Trainer({ graph: linearNet(), config, train: regression(8), initialWeights: bad })).toThrow(
      /starting weights hold NaN or infinite values/,
    );
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restores the best weights', async () => {
    // A minDelta no improvement can reach: the first epoch stays the best.
    const config = makeTrainConfig({
      epochs: 50,
      batchSize: 8,
      seed: 7,
      optimizer: { name: 'sgd', lr: 0.05 },
      earlyStopping: { patience: 3, minDelta: 1e6, monitor: 'loss' },
    });
    const t = new Trainer({ graph: linearNet(), config, train: regression(32) });
    const weightsAt: WeightSet[] = [];
    const events: TrainEvent[] = [];
    for await (const e of t.run()) {
      events.push(e);
      if (e.type === 'epoch') weightsAt.push(await t.backend.getWeights());
    }
    expect(events.find((e) => e.type === 'early_stop')).toMatchObject({ type: 'early_stop', epoch: 3 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'early_stop', epochs: 4 });
    expect(weightsAt).toHaveLength(4);
    expect(sameBits(await t.backend.getWeights(), weightsAt[0]!)).toBe(true);
    expect(sameBits(weightsAt[3]!, weightsAt[0]!)).toBe(false);
  });

  it('monitors val_loss: stops when validation gets worse while the training loss still falls', async () => {
    const train = regression(40, 8);
    // Validation targets with the opposite sign: fitting the training data makes them worse.
    const validation = regression(20, 9);
    for (let i = 0; i < validation.y.length; i++) validation.y[i] = -validation.y[i]!;
    const base = { epochs: 40, batchSize: 8, seed: 8, optimizer: { name: 'sgd', lr: 0.05 } };
    const watchVal = new Trainer({
      graph: linearNet(),
      config: makeTrainConfig({ ...base, earlyStopping: { patience: 2, monitor: 'val_loss' } }),
      train,
      validation,
    });
    const events = await collect(watchVal);
    const epochs = events.filter((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>[];
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'early_stop' });
    expect(epochs.length).toBeLessThan(10);
    expect(epochs.at(-1)!.metrics.loss).toBeLessThan(epochs[0]!.metrics.loss);
    expect(epochs.at(-1)!.metrics.val_loss!).toBeGreaterThan(epochs[0]!.metrics.val_loss!);

    const watchLoss = new Trainer({
      graph: linearNet(),
      config: makeTrainConfig({ ...base, earlyStopping: { patience: 2, monitor: 'loss' } }),
      train,
      validation,
    });
    // Watching the training loss, the same patience lets it run much longer.
    const done = (await collect(watchLoss)).at(-1) as Extract<TrainEvent, { type: 'done' }>;
    expect(done.epochs).toBeGreaterThan(epochs.length + 5);
  });
});

describe('validation split', () => {
  it('regression: val_loss, val_mse and val_r2 on the held-out rows, equal to evaluating them', async () => {
    const config = makeTrainConfig({
      epochs: 5,
      batchSize: 8,
      seed: 11,
      optimizer: { name: 'adam', lr: 0.05 },
      validationSplit: 0.25,
    });
    const t = new Trainer({ graph: linearNet(), config, train: regression(40) });
    expect(t.validation!.rows).toBe(10);
    expect(t.train.rows).toBe(30);
    const epochs: Extract<TrainEvent, { type: 'epoch' }>[] = [];
    for await (const e of t.run()) {
      if (e.type !== 'epoch') continue;
      epochs.push(e);
      const m = e.metrics;
      for (const k of ['loss', 'mse', 'r2', 'val_loss', 'val_mse', 'val_r2'] as const)
        expect(Number.isFinite(m[k])).toBe(true);
      const ev = await t.backend.evaluate(t.validation!.x, t.validation!.y, t.validation!.rows);
      expect(m.val_loss).toBe(ev.loss);
      // The loss is mse: the same quantity (float32 loss vs float64 accumulation).
      expect(Math.abs(m.val_mse! - ev.loss) / ev.loss).toBeLessThan(1e-5);
    }
    expect(epochs).toHaveLength(5);
    expect(epochs.at(-1)!.metrics.val_r2!).toBeGreaterThan(epochs[0]!.metrics.val_r2!);
  });

  it('classification: val_accuracy present; no split, no validation metrics', async () => {
    const config = makeTrainConfig({
      epochs: 8,
      batchSize: 10,
      seed: 12,
      optimizer: { name: 'adam', lr: 0.05 },
      validationSplit: 0.3,
    });
    const t = new Trainer({ graph: classifierNet(), config, train: blobs(60) });
    const done = await t.runToEnd();
    expect(done.metrics!.val_accuracy).toBeGreaterThan(0.9);
    expect(done.metrics!.accuracy).toBeGreaterThan(0.9);
    expect(Number.isFinite(done.metrics!.val_loss)).toBe(true);

    const none = new Trainer({ graph: classifierNet(), config: { ...config, validationSplit: 0 }, train: blobs(60) });
    expect(none.validation).toBeUndefined();
    const d2 = await none.runToEnd();
    expect(d2.metrics!.val_loss).toBeUndefined();
    expect(d2.metrics!.val_accuracy).toBeUndefined();
  });
});
