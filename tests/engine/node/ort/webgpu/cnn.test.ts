/**
 * Convolutional networks on ONNX Runtime's WebGPU provider against its CPU provider: 50 training
 * steps (SGD and Adam) of the test CNNs from the same weights and dropout masks. The WebGPU step
 * routes max-pooling gradients by the portable first-maximum mask (WebGPU's MaxPool has no Indices
 * output), the CPU step by MaxPool's Indices (MaxUnpool, or ScatterElements where windows
 * overlap); both must agree (and, through the CPU provider's own parity tests, with the engine).
 * From ORT's profile: the WebGPU step runs every node on the device but int64 shape arithmetic.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrt, type OrtTensor } from '../../../../../src-engine/node/ort/runtime.ts';
import { encodeModel } from '../../../../../src-engine/onnx/schema.ts';
import { OrtBackend } from '../../../../../src-engine/node/ort/ort-backend.ts';
import { trainStepModel } from '../../../../../src-engine/onnx/train-step.ts';
import { makeTrainConfig, type TrainConfig } from '../../../../../src-engine/train/config.ts';
import { testData, testNets, type TestNet } from '../../../onnx/graphs.ts';
import { cpuGpuParity, STEPS } from './cpu-gpu.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

const BATCH = 8;
const opened: OrtBackend[] = [];
afterAll(async () => {
  for (const b of opened) await b.dispose();
});

/** 50 steps on both providers at a fixed learning rate, the last batch of 3 rows. */
const parity = (net: TestNet, config: TrainConfig) => cpuGpuParity(net, config, { batch: BATCH, lastBatch: 3, opened });

describe('WebGPU provider: CNNs train like on the CPU provider', () => {
  const nets = testNets().filter((n) => n.image);
  it('covers the image test nets', () => {
    expect(nets.map((n) => n.name)).toEqual([
      'CNN with every image layer',
      'LeNet-like CNN with batch norm',
      'CNN with overlapping max pooling',
    ]);
  });

  it('the step for GPU providers has no MaxUnpool or ScatterElements; the step for the CPU provider has', () => {
    const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 1e-3 } });
    for (const net of nets) {
      const ops = (target: 'cpu' | 'portable') =>
        new Set(trainStepModel(net.graph, config, { steps: 1, target }).model.graph.node.map((n) => n.opType));
      const portable = ops('portable');
      expect(portable.has('MaxUnpool'), net.name).toBe(false);
      expect(portable.has('ScatterElements'), net.name).toBe(false);
      expect(portable.has('ArgMax'), net.name).toBe(false);
      expect(portable.has('MaxPool'), net.name).toBe(true);
      const cpu = ops('cpu');
      expect(cpu.has('MaxUnpool') || cpu.has('ScatterElements'), net.name).toBe(true);
    }
  });

  for (const net of nets)
    for (const [name, lr] of [
      ['sgd', 0.05],
      ['adam', 0.003],
    ] as const)
      it(`${net.name}, ${name}: 50 steps' losses and weights within 1e-4 relative`, async (ctx) => {
        need(ctx, await webgpu());
        const config = makeTrainConfig({ optimizer: { name, lr } });
        const r = await parity(net, config);
        expect(r.losses.length).toBe(STEPS);
        expect(r.lossGap).toBeLessThan(1e-4);
        expect(r.weightGap).toBeLessThan(1e-4);
      });

  it('the training step runs on the WebGPU device but for int64 shape arithmetic (no tensor leaves it mid-graph)', async (ctx) => {
    need(ctx, await webgpu());
    const ort = await loadOrt();
    const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
    const off = new Set<string>();
    let ran = 0;
    for (const net of nets) {
      const K = 2;
      const rows = 8;
      const { x, y } = testData(net, K * rows, 1);
      const step = trainStepModel(net.graph, makeTrainConfig({ optimizer: { name: 'adam' } }), { steps: K });
      const feeds: Record<string, OrtTensor> = {
        x: f32(x, [K * rows, ...step.io.inputShape]),
        y: f32(y, [K * rows, net.targets]),
        lr: f32(new Float32Array(K).fill(0.01), [K, 1]),
        t: f32(
          Float32Array.from({ length: K }, (_, i) => i + 1),
          [K, 1],
        ),
      };
      const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
      for (const c of step.io.carried) feeds[c.name] = f32(new Float32Array(size(c.shape)).fill(0.1), c.shape);
      for (const m of step.io.masks)
        feeds[m.name] = f32(new Float32Array(K * rows * size(m.shape)).fill(1), [K * rows, ...m.shape]);
      const dir = mkdtempSync(path.join(tmpdir(), 'nw-profile-'));
      const session = await ort.InferenceSession.create(encodeModel(step.model), {
        executionProviders: ['webgpu'],
        enableProfiling: true,
        profileFilePrefix: path.join(dir, 'run'),
        logSeverityLevel: 3,
      });
      await session.run(feeds);
      session.endProfiling();
      await session.release();
      const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
      const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
        cat: string;
        name: string;
        args?: { op_name?: string; provider?: string; output_type_shape?: unknown };
      }[];
      for (const e of events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))) {
        ran++;
        if (e.args!.provider !== 'WebGpuExecutionProvider')
          off.add(`${e.args!.op_name} ${JSON.stringify(e.args!.output_type_shape ?? [])}`);
      }
    }
    expect(ran).toBeGreaterThan(1000);
    // Shape vectors (int64, a few values) and the batch size as one float stay on the CPU by ORT's design.
    const unexpected = [...off].filter((k) => !/ \[\{"int64":\[\d\]\}\]$/.test(k) && k !== 'Cast [{"float":[1]}]');
    expect(unexpected).toEqual([]);
    expect(off.size).toBeGreaterThan(0);
  });
});
