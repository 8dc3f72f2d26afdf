/**
 * The app's path on WebGPU: the engine worker (a worker thread, as in the app) probes the providers,
 * trains on ONNX Runtime's WebGPU provider, and its exports, read back, hold the weights the device
 * learned: they match the same run on the CPU provider and predict like the TypeScript engine.
 */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../../../../src-engine/node/resolve-dataset.ts';
import { createSession, loadOrt } from '../../../../../src-engine/node/ort/runtime.ts';
import { importWeightsJson } from '../../../../../src-engine/onnx/json-export.ts';
import { readOnnx } from '../../../../../src-engine/onnx/read-model.ts';
import { workerEngine } from '../../../../../src-engine/node/worker/engine-client.ts';
import type { ApiEvent } from '../../../../../src-engine/protocol/api.ts';
import { makeTrainConfig } from '../../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../../src-engine/tensor/rng.ts';
import { getTemplate, newProject } from '../../../../../src-engine/train/templates.ts';
import { TsBackend } from '../../../../../src-engine/train/ts-backend.ts';
import { initWeights } from '../../../../../src-engine/model/compile.ts';
import { buildForward } from '../../../../../src-engine/model/compile.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

const engine = workerEngine(path.join(import.meta.dirname, '../../../protocol/engine-worker.boot.mjs'));
afterAll(() => engine.close());

const template = getTemplate('x4-relu-hidden');
const EPOCHS = 60;

/** Train the template in the worker on one provider; the exports of the run and its events. */
async function trainAndExport(ep: 'cpu' | 'webgpu') {
  const events: ApiEvent[] = [];
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  const off = engine.onEvent((e) => {
    events.push(e);
    if (e.type === 'train' && e.event.type === 'done') finished();
  });
  await engine.trainStart({
    project: {
      ...newProject(null),
      name: `x4 on ${ep}`,
      graph: template.graph,
      training: { ...template.training, epochs: EPOCHS, backend: 'ort' },
    },
    data: template.dataset as never,
    start: 'fresh',
    ep,
  });
  await done;
  off();
  const json = (await engine.exportFile('weights-json')).data as string;
  const onnx = (await engine.exportFile('onnx')).data as Uint8Array;
  const step = (await engine.exportFile('onnx-train')).data as Uint8Array;
  return { events, weights: importWeightsJson(json).weights, onnx, step };
}

describe('exports of a run trained on WebGPU in the engine worker', () => {
  it('the worker finds WebGPU usable, trains on it, and the exports read back with its weights', async (ctx) => {
    need(ctx, await webgpu());
    const providers = await engine.listProviders({});
    expect(providers.find((p) => p.ep === 'webgpu')).toMatchObject({ usable: true, reason: /^Verified/ });

    const gpu = await trainAndExport('webgpu');
    const start = gpu.events.find((e) => e.type === 'train' && e.event.type === 'start');
    expect(start?.type === 'train' && start.event.type === 'start' && start.event.backend).toBe('ort-webgpu');
    const done = gpu.events.find((e) => e.type === 'train' && e.event.type === 'done');
    expect(done?.type === 'train' && done.event.type === 'done' && [done.event.reason, done.event.epochs]).toEqual([
      'completed',
      EPOCHS,
    ]);
    const cpu = await trainAndExport('cpu');

    // The device-trained weights equal the CPU provider's within 1e-4, and training moved them.
    const config = makeTrainConfig(template.training);
    const initial = initWeights(buildForward(template.graph, { training: true }).params, new SeededRng(config.seed));
    for (const [name, w] of cpu.weights) {
      const g = gpu.weights.get(name)!.data;
      w.data.forEach((v, i) => expect(Math.abs(v - g[i]!) / Math.max(1, Math.abs(v)), name).toBeLessThan(1e-4));
      expect(Array.from(g)).not.toEqual(Array.from(initial.get(name)!.data));
    }

    // The deployment ONNX, run on ONNX Runtime's CPU provider, predicts like the engine with those weights.
    const { train } = await loadBuiltin((template.dataset as { id: string }).id);
    const file = readOnnx(gpu.onnx, 'x4.onnx');
    expect(file.inputs.map((i) => i.name)).toEqual(['features']);
    for (const [name, w] of gpu.weights) {
      const raw = file.initializers.get(name)!.rawData!;
      expect(Array.from(new Float32Array(raw.slice().buffer))).toEqual(Array.from(w.data));
    }
    const ort = await loadOrt();
    const session = await createSession(gpu.onnx);
    const out = await session.run({ features: new ort.Tensor('float32', train.x, [train.rows, train.features]) });
    const ts = new TsBackend(template.graph, config, gpu.weights, new SeededRng(1));
    const expected = ts.predict(train.x, train.rows);
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    expect(got.length).toBe(expected.length);
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5));
    await session.release();

    // The training-step ONNX starts from the device-trained weights: its first loss is the engine's.
    const stepSession = await createSession(gpu.step);
    const r = await stepSession.run({
      x: new ort.Tensor('float32', train.x, [train.rows, train.features]),
      y: new ort.Tensor('float32', train.y, [train.rows, train.targets]),
      lr: new ort.Tensor('float32', new Float32Array([0.001]), [1, 1]),
      t: new ort.Tensor('float32', new Float32Array([1]), [1, 1]),
    });
    const loss = (r.loss!.data as Float32Array)[0]!;
    expect(Math.abs(loss - ts.evaluate(train.x, train.y, train.rows).loss)).toBeLessThan(1e-5);
    await stepSession.release();
  });
});
