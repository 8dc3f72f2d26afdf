import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { need, onnx, PYTHON } from '../../support/prerequisites.ts';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { evalModel } from '../../../src-engine/onnx/eval-model.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { encodeModel } from '../../../src-engine/onnx/schema.ts';
import { exportTrainStepOnnx } from '../../../src-engine/onnx/train-step.ts';
import { makeTrainConfig, OPTIMIZERS } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { categoricalPreprocessing, testNets } from './graphs.ts';
import { listTemplates } from '../../../src-engine/train/templates.ts';

describe('ONNX checker (python3-onnx, full shape inference)', () => {
  it('accepts the deployment, training-step and evaluation graphs of every test net, and exports with categorical inputs', (ctx) => {
    need(ctx, onnx());
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-check-'));
    const files: string[] = [];
    const write = (name: string, bytes: Uint8Array) => {
      const f = path.join(dir, name);
      writeFileSync(f, bytes);
      files.push(f);
    };
    for (const [k, net] of testNets().entries()) {
      const w = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(1));
      const config = makeTrainConfig({
        optimizer: { name: OPTIMIZERS[k % OPTIMIZERS.length]! },
        l2: 0.01,
        l1: k % 2 ? 0.001 : 0,
        clipNorm: k % 3 ? 1 : 0,
      });
      write(`deploy${k}.onnx`, exportDeploymentOnnx({ graph: net.graph, weights: w }));
      write(`step${k}.onnx`, exportTrainStepOnnx(net.graph, config, { steps: 1 + (k % 3), initialWeights: w }));
      // Image nets: also the step in the form for ONNX Runtime's CPU provider (MaxPool indices).
      if (net.image)
        write(
          `step${k}-cpu.onnx`,
          exportTrainStepOnnx(net.graph, config, { steps: 1, initialWeights: w, target: 'cpu' }),
        );
      write(`eval${k}.onnx`, encodeModel(evalModel(net.graph, { withLoss: true }).model));
    }
    // The CNN templates too (LeNet-5's deployment model and training step).
    for (const t of listTemplates().filter((x) => x.graph.nodes.some((n) => n.type === 'Conv2D'))) {
      const tw = initWeights(buildForward(t.graph, { training: true }).params, new SeededRng(2));
      write(`deploy-${t.id}.onnx`, exportDeploymentOnnx({ graph: t.graph, weights: tw }));
      write(`step-${t.id}.onnx`, exportTrainStepOnnx(t.graph, t.training, { steps: 2, initialWeights: tw }));
    }
    // Categorical columns: one-hot by ai.onnx.ml's OneHotEncoder, in float32 and float64 models.
    const net = testNets()[0]!;
    const w = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(2));
    for (const elem of ['float32', 'float64'] as const)
      write(
        `categorical-${elem}.onnx`,
        exportDeploymentOnnx({ graph: net.graph, weights: w, preprocessing: categoricalPreprocessing, elem }),
      );
    const script =
      'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint(len(sys.argv) - 1)';
    const out = execFileSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
    expect(Number(out.trim())).toBe(files.length);
  }, 30_000);
});
