/**
 * The CNN templates as a user runs them (the CLI, straight from the checkout): LeNet-5 on the mnist
 * package's digits reaches 0.95 test accuracy on the 2,000 held-out digits after its 5 epochs, and
 * "Why convolution" shows the small CNN beating the dense 784-15-10 with fewer parameters.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import { chooseBackend } from '../../../src-engine/train/backend-choice.ts';
import { CompiledModel } from '../../../src-engine/model/compile.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');
const cli = async (args: string[]) =>
  JSON.parse((await run(process.execPath, [bin, ...args], { timeout: 600_000 })).stdout);

describe('CNN templates', () => {
  it('LeNet-5: 61,706 parameters, trained on 8,000 digits, ≥ 0.95 accuracy on the 2,000 held out after 5 epochs', async () => {
    const t = getTemplate('lenet-digits');
    expect(analyzeGraph(t.graph).totalParams).toBe(61_706);
    expect(t.dataset).toEqual({ kind: 'builtin', id: 'digits', params: { count: 10000, test: 2000 } });
    expect(t.training.epochs).toBe(5);
    expect(t.training.backend).toBe('auto');
    const m = await cli(['train', 'lenet-digits', '--json']);
    expect(m.backend).toMatch(/^ort/);
    expect(m.epochs).toBe(5);
    expect(m.test_accuracy).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it('Why convolution: the small CNN has fewer parameters and a higher test accuracy than 784-15-10', async () => {
    const r = await cli(['train', 'why-convolution', '--json']);
    const [dense, cnn] = r.models as { template: string; parameters: number; test_accuracy: number }[];
    expect([dense!.template, cnn!.template]).toEqual(['why-conv-dense', 'why-conv-cnn']);
    expect([dense!.parameters, cnn!.parameters]).toEqual([11_935, 9_098]);
    expect(cnn!.test_accuracy).toBeGreaterThan(dense!.test_accuracy + 0.03);
  }, 600_000);

  it('convolutional networks go to ONNX Runtime by default (auto), saying why', () => {
    const t = getTemplate('why-conv-cnn');
    expect(t.training.backend).toBe('auto');
    const choice = chooseBackend({ model: new CompiledModel(t.graph), config: t.training, rows: 8000 });
    expect(choice.backend).toBe('ort');
    // In the words of the layers, not the engine's op names (conv2dFilterGrad, maxPool2dGrad).
    expect(choice.reason).toBe(
      'auto: ONNX Runtime, because the network has convolutions and max pooling, which ONNX Runtime trains several times faster than the TypeScript engine',
    );
  });
});
