/**
 * The Trainer on ONNX Runtime's WebGPU provider, side by side with the CPU provider: K mini-batches
 * per run with the last partial batch, weight snapshots every epoch (the Identity-copy session),
 * pause / single step / resume / stop, and divergence rolling back to the last good weights.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../../../src-engine/data/dataset.ts';
import { createOrtBackend } from '../../../../../src-engine/node/ort/index.ts';
import type { WeightSet } from '../../../../../src-engine/tensor/weights.ts';
import { makeTrainConfig, type TrainConfig } from '../../../../../src-engine/train/config.ts';
import { Trainer, type TrainEvent } from '../../../../../src-engine/train/trainer.ts';
import { testData, testNets, type TestNet } from '../../../onnx/graphs.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

function dataset(net: TestNet, rows: number, seed: number): Dataset {
  const { x, y } = testData(net, rows, seed);
  return {
    name: 't',
    x,
    y,
    rows,
    features: net.features,
    targets: net.targets,
    task: net.y === 'real' ? 'regression' : net.y === 'binary' ? 'binary' : 'multiclass',
    featureNames: [],
  };
}

interface Run {
  events: TrainEvent[];
  /** Weights read after each epoch event (on WebGPU: through the copy session, from device memory). */
  snapshots: WeightSet[];
  final: WeightSet;
  /** Tensor locations seen at the first epoch event. */
  locations: Record<string, string | undefined>;
}

/** Train on one provider; `control` may pause, step, resume or stop the trainer as events arrive. */
async function train(
  ep: 'cpu' | 'webgpu',
  net: TestNet,
  config: TrainConfig,
  ds: Dataset,
  control?: (e: TrainEvent, t: Trainer) => void,
): Promise<Run> {
  const backend = await createOrtBackend({ graph: net.graph, config, ep, stepsPerRun: 4 });
  const trainer = new Trainer({ graph: net.graph, config, train: ds, backend, batchEvery: 1 });
  const run: Run = { events: [], snapshots: [], final: new Map(), locations: {} };
  try {
    for await (const e of trainer.run()) {
      run.events.push(e);
      if (e.type === 'epoch') {
        if (!run.snapshots.length) run.locations = backend.tensorLocations();
        run.snapshots.push(await backend.getWeights());
      }
      control?.(e, trainer);
    }
    run.final = await backend.getWeights();
  } finally {
    await backend.dispose();
  }
  return run;
}

const lossOf = (e: TrainEvent) => (e.type === 'batch' ? e.loss : e.type === 'epoch' ? e.metrics.loss : null);
const rel = (a: number, b: number, floor: number) => Math.abs(a - b) / Math.max(Math.abs(a), floor);

/** Same event sequence, losses within 1e-4 relative, snapshots and final weights within 1e-4. */
function expectSameRun(cpu: Run, gpu: Run): void {
  expect(gpu.events.map((e) => e.type)).toEqual(cpu.events.map((e) => e.type));
  cpu.events.forEach((e, i) => {
    const a = lossOf(e);
    const b = lossOf(gpu.events[i]!);
    if (a !== null) expect(rel(a, b!, 1e-3), `${e.type} event ${i}: cpu ${a}, webgpu ${b}`).toBeLessThan(1e-4);
  });
  const weights = (a: WeightSet, b: WeightSet, what: string) => {
    for (const [name, w] of a)
      w.data.forEach((v, i) =>
        expect(rel(v, b.get(name)!.data[i]!, 1), `${what} ${name}[${i}]: cpu ${v}`).toBeLessThan(1e-4),
      );
  };
  expect(gpu.snapshots.length).toBe(cpu.snapshots.length);
  cpu.snapshots.forEach((w, k) => weights(w, gpu.snapshots[k]!, `epoch ${k + 1} snapshot`));
  weights(cpu.final, gpu.final, 'final weights');
}

describe('Trainer on the WebGPU provider', () => {
  it('K mini-batches per run and a partial last batch: every batch and epoch as on the CPU provider', async (ctx) => {
    need(ctx, await webgpu());
    for (const net of [testNets()[0]!, testNets()[3]!]) {
      // 12 full batches of 16 (three runs of K = 4) and a partial one of 11 rows, for 3 epochs.
      const ds = dataset(net, 203, 3);
      const config = makeTrainConfig({ epochs: 3, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, seed: 5 });
      const cpu = await train('cpu', net, config, ds);
      const gpu = await train('webgpu', net, config, ds);
      expect(gpu.events.filter((e) => e.type === 'batch').length).toBe(3 * 13);
      expect(gpu.events[0]!.type === 'start' && gpu.events[0].backend).toBe('ort-webgpu');
      expect(new Set(Object.values(gpu.locations))).toEqual(new Set(['gpu-buffer']));
      expectSameRun(cpu, gpu);
      const last = gpu.events.at(-1)!;
      expect(last.type === 'done' && last.reason).toBe('completed');
    }
  });

  it('pause, single steps, resume and stop as on the CPU provider', async (ctx) => {
    need(ctx, await webgpu());
    const net = testNets()[0]!;
    const ds = dataset(net, 203, 4);
    const config = makeTrainConfig({ epochs: 50, batchSize: 16, optimizer: { name: 'rmsprop', lr: 0.01 }, seed: 2 });
    // Pause after batch 5 of epoch 1, step twice, resume; stop after the third epoch.
    const control = () => {
      let pauses = 0;
      return (e: TrainEvent, t: Trainer) => {
        if (e.type === 'batch' && e.epoch === 0 && e.batch === 5) t.pause();
        if (e.type === 'paused' && ++pauses <= 2) t.stepOnce();
        else if (e.type === 'paused') t.resume();
        if (e.type === 'epoch' && e.epoch === 2) t.stop();
      };
    };
    const cpu = await train('cpu', net, config, ds, control());
    const gpu = await train('webgpu', net, config, ds, control());
    expect(gpu.events.filter((e) => e.type === 'paused').length).toBe(3);
    expect(gpu.events.filter((e) => e.type === 'resumed').length).toBe(1);
    const done = gpu.events.at(-1)!;
    expect(done.type === 'done' && [done.reason, done.epochs]).toEqual(['stopped', 3]);
    expectSameRun(cpu, gpu);
  });

  it('a diverging run keeps the last good weights, read back from the device, and trains on from them', async (ctx) => {
    need(ctx, await webgpu());
    const net = testNets()[3]!; // regression with dropout; momentum at lr 0.5 explodes in the fifth epoch
    const ds = dataset(net, 203, 3);
    const config = makeTrainConfig({ epochs: 6, batchSize: 16, optimizer: { name: 'momentum', lr: 0.5 }, seed: 5 });
    const cpu = await train('cpu', net, config, ds);
    const gpu = await train('webgpu', net, config, ds);
    const diverged = (r: Run) => r.events.find((e) => e.type === 'diverged');
    expect(diverged(gpu)).toMatchObject({ epoch: 4 });
    expect(diverged(gpu)).toEqual(diverged(cpu));
    expect(gpu.snapshots.length).toBe(4);
    // The run rolls back to the weights the message names (an epoch's end, read back from the device, or the initial ones).
    const message = (diverged(gpu) as { message: string }).message;
    const kept = /end of epoch (\d+)/.exec(message);
    if (kept) {
      for (const [name, w] of gpu.snapshots[Number(kept[1]) - 1]!)
        expect(Array.from(gpu.final.get(name)!.data)).toEqual(Array.from(w.data));
    } else expect(message).toMatch(/initial weights/);
    for (const w of gpu.final.values()) expect(w.data.every(Number.isFinite)).toBe(true);
    expectSameRun(
      { ...cpu, events: cpu.events.filter((e) => e.type !== 'batch' || e.epoch === 0) },
      { ...gpu, events: gpu.events.filter((e) => e.type !== 'batch' || e.epoch === 0) },
    );
    // Training on from the restored weights with a sane rate works on the device again.
    const calmer = makeTrainConfig({ ...config, epochs: 2, optimizer: { name: 'momentum', lr: 0.01 } });
    const backend = await createOrtBackend({ graph: net.graph, config: calmer, ep: 'webgpu', weights: gpu.final });
    try {
      const done = await new Trainer({ graph: net.graph, config: calmer, train: ds, backend }).runToEnd();
      expect(done.reason).toBe('completed');
      expect(Number.isFinite(done.metrics!.loss)).toBe(true);
    } finally {
      await backend.dispose();
    }
  });
});
