import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import { createSession } from '../../../src-engine/node/ort/runtime.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { importOnnx, OnnxImportError } from '../../../src-engine/onnx/import.ts';
import { OnnxFormatError } from '../../../src-engine/onnx/read-model.ts';
import { exportTrainStepOnnx } from '../../../src-engine/onnx/train-step.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { testNets } from './graphs.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/onnx');

function fixture(name: string): {
  bytes: Uint8Array;
  x: number[][];
  y: number[][];
  features: number;
  shape: number[];
} {
  const meta = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as {
    x: number[][];
    y: number[][];
    features: number;
    shape: number[];
  };
  return { bytes: readFileSync(path.join(FIXTURES, `${name}.onnx`)), ...meta };
}

describe('ONNX import', () => {
  for (const name of [
    'torch_relu_softmax',
    'torch_leaky_nobias_linear',
    'torch_elu_sigmoid',
    'torch_matmul_tanh',
    'torch_lenet',
    'torch_bn_cnn',
  ]) {
    it(`opens PyTorch's ${name} as a graph that predicts like PyTorch (1e-5) and trains`, () => {
      const f = fixture(name);
      const m = importOnnx(f.bytes, `${name}.onnx`);
      expect(m.origin).toBe('chain');
      const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 } });
      const ts = new TsBackend(m.graph, config, m.weights, new SeededRng(1));
      const rows = f.x.length;
      const x = Float32Array.from(f.x.flat());
      const pred = ts.predict(x, rows);
      const want = f.y.flat();
      expect(pred.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Math.abs(pred[i]! - want[i]!)).toBeLessThan(1e-5);
      // Trainable: one step changes the loss.
      const y = Float32Array.from(want.map((v) => (v > 0.5 ? 1 : 0)));
      const before = ts.evaluate(x, y, rows).loss;
      for (let s = 1; s <= 5; s++) ts.step(x, y, rows, 0.01, s);
      expect(ts.evaluate(x, y, rows).loss).not.toBe(before);
    });
  }

  it("PyTorch's LeNet-5 becomes the editable LeNet graph: image input, Conv2D with ReLU, pools, Flatten, Dense", () => {
    const m = importOnnx(fixture('torch_lenet').bytes, 'lenet.onnx');
    expect(m.graph.nodes.map((n) => n.type)).toEqual([
      'Input',
      'Conv2D',
      'MaxPool2D',
      'Conv2D',
      'MaxPool2D',
      'Flatten',
      'Dense',
      'Dense',
      'Output',
    ]);
    const [input, c1, , c2] = m.graph.nodes;
    expect(input!.params).toMatchObject({ shape: 'image', channels: 1, height: 28, width: 28 });
    expect(c1!.params).toMatchObject({ filters: 6, kernel_size: 5, padding: 'explicit', pad: 2, activation: 'relu' });
    expect(c2!.params).toMatchObject({ filters: 16, kernel_size: 5, padding: 'valid', activation: 'relu' });
    expect(m.graph.nodes.at(-1)!.params).toMatchObject({ units: 10, activation: 'softmax', loss: 'cce' });
    expect(analyzeGraph(m.graph).totalParams).toBe(61_706);
  });

  it('refuses unsupported ops naming the op and the node', () => {
    const f = fixture('torch_grouped_conv_refused');
    let err: unknown;
    try {
      importOnnx(f.bytes, 'conv.onnx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnnxImportError);
    expect((err as Error).message).toMatch(
      /conv\.onnx: node '[^']+' \(Conv\) is a grouped convolution \(only group 1 is supported\)/,
    );
  });

  it("round-trips Netwright's own exports without change", () => {
    for (const [k, net] of testNets().entries()) {
      const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(k + 3));
      const bytes = exportDeploymentOnnx({ graph: net.graph, weights, name: net.name });
      const m = importOnnx(bytes);
      expect(m.origin).toBe('netwright');
      expect(m.graph).toEqual(net.graph);
      expect([...m.weights.keys()].sort()).toEqual([...weights.keys()].sort());
      for (const [name, w] of weights) expect(Array.from(m.weights.get(name)!.data)).toEqual(Array.from(w.data));
      expect(exportDeploymentOnnx({ graph: m.graph, weights: m.weights, name: net.name })).toEqual(bytes);
    }
  });

  it('opens an exported training step with its weights', () => {
    const net = testNets()[0]!;
    const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(1));
    const m = importOnnx(exportTrainStepOnnx(net.graph, makeTrainConfig({}), { initialWeights: weights }));
    expect(m.graph).toEqual(net.graph);
    for (const [name, w] of weights) expect(Array.from(m.weights.get(name)!.data)).toEqual(Array.from(w.data));
  });

  it('a corrupt .onnx file gives a clear error, in the importer and in ONNX Runtime', async () => {
    const net = testNets()[1]!;
    const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(1));
    const good = exportDeploymentOnnx({ graph: net.graph, weights });
    const truncated = good.slice(0, Math.floor(good.length / 2));
    expect(() => importOnnx(truncated, 'half.onnx')).toThrow(OnnxFormatError);
    expect(() => importOnnx(truncated, 'half.onnx')).toThrow(/half\.onnx is not a usable ONNX model/);
    expect(() => importOnnx(new TextEncoder().encode('col1,col2\n1,2\n'), 'data.onnx')).toThrow(
      /data\.onnx is not a usable ONNX model/,
    );
    expect(() => importOnnx(new Uint8Array(0), 'empty.onnx')).toThrow(/empty/);
    await expect(createSession(truncated, { label: 'half.onnx' })).rejects.toThrow(
      /half\.onnx could not be opened with ONNX Runtime/,
    );
  });

  it('imported weights predict through ONNX Runtime again after re-export', async () => {
    const f = fixture('torch_relu_softmax');
    const m = importOnnx(f.bytes);
    const session = await createSession(exportDeploymentOnnx({ graph: m.graph, weights: m.weights }));
    const ort = await import('onnxruntime-node');
    const out = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(f.x.flat()), [f.x.length, f.features]),
    });
    const got = out.probabilities!.data as Float32Array;
    const want = f.y.flat();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
  });
});
