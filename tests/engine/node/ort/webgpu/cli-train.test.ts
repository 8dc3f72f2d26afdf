/**
 * `netwright train <template> --backend ort --ep webgpu --json` against `--ep cpu`: the final loss
 * within 1e-4 (relative to max(1, |cpu loss|), as the provider probe compares) for every template.
 * Templates that take more than a few seconds on a software Vulkan adapter run their first epochs
 * only (--epochs), so every template's network still trains on WebGPU in each CI run.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { command as trainCmd } from '../../../../../src-engine/node/cli/train-command.ts';
import type { CliIo } from '../../../../../src-engine/node/cli/types.ts';
import { listTemplates } from '../../../../../src-engine/train/templates.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

/**
 * Epochs per template: 'all' runs the template as it is. Whole runs measured on lavapipe (Mesa 25.0,
 * 2 shared cores), seconds on WebGPU: sigmoid-neuron 8, sigmoid-neuron-3d 11, softmax-3 16,
 * x4-sigmoid-neuron 25, x4-relu-hidden 28, x4-linear-hidden 17, x5-relu-10 11, x5-relu-400 25,
 * circle 25, xor-quadrants 24, two-spirals 156, gaussian-blobs 19; the rest run whole here.
 */
const EPOCHS: Record<string, number | 'all' | 'refused' | { coveredBy: string }> = {
  'from-scratch': 'all',
  perceptron: 'refused', // the perceptron rule is not gradient descent: no ONNX training step
  'sigmoid-neuron': 300,
  'sigmoid-neuron-3d': 300,
  'softmax-3': 300,
  'x4-sigmoid-neuron': 400,
  'x4-relu-hidden': 200,
  'x4-linear-hidden': 100,
  'x5-linear': 'all',
  'x5-relu-10': 300,
  'x5-relu-400': 100,
  digits: 'all',
  circle: 20,
  'xor-quadrants': 20,
  'two-spirals': 10,
  'gaussian-blobs': 20,
  'vanishing-sigmoid': 10,
  'vanishing-relu': 10,
  // The Features layer (sin, cos, squares, products) on WebGPU.
  'circle-features': 20,
  'xor-features': 20,
  'spiral-sines': 10,
  // One epoch of a CNN template takes ~100 s on lavapipe: their layers train on WebGPU against the CPU
  // provider in cnn.test.ts (every test CNN, 50 SGD and Adam steps), and LeNet-5's ONNX is checked there.
  'lenet-digits': { coveredBy: 'cnn.test.ts' },
  'why-conv-dense': { coveredBy: 'cnn.test.ts' },
  'why-conv-cnn': { coveredBy: 'cnn.test.ts' },
};

/** This one runs through the package's bin in a child process, exactly as a user types it. */
const THROUGH_BIN = 'x5-linear';

interface TrainJson {
  loss: number;
  epochs: number;
  stop_reason: string;
}

async function trainJson(args: string[]): Promise<TrainJson> {
  if (args[0] === THROUGH_BIN) {
    const bin = path.resolve('bin/netwright.mjs');
    const r = await promisify(execFile)(process.execPath, [bin, 'train', ...args, '--json'], { timeout: 120_000 });
    return JSON.parse(r.stdout) as TrainJson;
  }
  let out = '';
  const io: CliIo = { isTty: false, out: (t) => void (out += t), err: () => undefined };
  expect(await trainCmd.run([...args, '--json'], io)).toBe(0);
  return JSON.parse(out) as TrainJson;
}

const gap = (cpu: number, gpu: number) => Math.abs(cpu - gpu) / Math.max(1, Math.abs(cpu));

describe('netwright train --backend ort --ep webgpu matches --ep cpu', () => {
  it('every template has an entry here', () => {
    expect(Object.keys(EPOCHS).sort()).toEqual(
      listTemplates()
        .map((t) => t.id)
        .sort(),
    );
  });

  for (const [id, epochs] of Object.entries(EPOCHS)) {
    if (epochs === 'refused') {
      it(`${id}: refused on ONNX Runtime with the reason`, async () => {
        const io: CliIo = { isTty: false, out: () => undefined, err: () => undefined };
        await expect(trainCmd.run([id, '--backend', 'ort', '--ep', 'cpu', '--json'], io)).rejects.toThrow(
          /perceptron rule is not gradient descent/,
        );
      });
      continue;
    }
    if (typeof epochs === 'object') continue; // trained on WebGPU in epochs.coveredBy
    it(`${id}${epochs === 'all' ? '' : ` (first ${epochs} epochs)`}${id === THROUGH_BIN ? ' (bin/netwright.mjs)' : ''}: final loss within 1e-4`, async (ctx) => {
      need(ctx, await webgpu());
      const args = [id, '--backend', 'ort', ...(epochs === 'all' ? [] : ['--epochs', String(epochs)])];
      const cpu = await trainJson([...args, '--ep', 'cpu']);
      const gpu = await trainJson([...args, '--ep', 'webgpu']);
      expect(gpu.epochs).toBe(cpu.epochs);
      expect(gpu.stop_reason).toBe(cpu.stop_reason);
      expect(Number.isFinite(gpu.loss)).toBe(true);
      await ctx.annotate(
        `final loss: cpu ${cpu.loss}, webgpu ${gpu.loss} (gap ${gap(cpu.loss, gpu.loss).toExponential(1)})`,
      );
      expect(gap(cpu.loss, gpu.loss), `cpu ${cpu.loss}, webgpu ${gpu.loss}`).toBeLessThan(1e-4);
    });
  }
});
