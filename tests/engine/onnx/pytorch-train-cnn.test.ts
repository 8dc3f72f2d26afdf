/**
 * The exported PyTorch training script (export --format pytorch-train) for convolutional networks,
 * run with Debian's python3-torch on the CPU in one process: a network with every layer of the
 * catalog (Reshape, Conv2D same/strided/even-kernel, BatchNorm on images and on features with
 * running statistics, both poolings, Add, Concatenate, LayerNorm, Dropout on images with
 * Netwright's masks, GlobalAveragePool, Flatten, Dense) on a slice of the built-in digits, which the
 * script reads from the mnist package's files itself; and a small CNN on an IDX pair with
 * per-channel pixel standardisation, which the script reads and scales with the fitted
 * preprocessing. Each epoch's training and validation loss matches the TypeScript engine's within
 * LOSS_TOLERANCE and the checkpoint (running statistics included) reads back as a project whose
 * weights match the engine's within WEIGHT_TOLERANCE. And `netwright export` of a LeNet project on
 * the built-in digits writes a script that reads them itself (held-out test set included) and runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { need, PYTHON, torch } from '../../support/prerequisites.ts';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import type { Preprocessing } from '../../../src-engine/data/preprocess.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { command as exportCmd } from '../../../src-engine/node/cli/export.ts';
import { defaultDigitsDir } from '../../../src-engine/node/datasets/digits.ts';
import { loadBuiltin, loadFileData } from '../../../src-engine/node/resolve-dataset.ts';
import { projectFromWeightsJson } from '../../../src-engine/onnx/json-export.ts';
import { exportPytorchTraining, type TrainingScriptData } from '../../../src-engine/onnx/pytorch-train.ts';
import { makeTrainConfig, type TrainConfig } from '../../../src-engine/train/config.ts';
import { TrainingSession } from '../../../src-engine/train/session.ts';
import { newProject } from '../../../src-engine/train/templates.ts';
import { chain } from '../backprop/util.ts';
import { everyImageLayer } from './graphs.ts';

/** Relative difference allowed between the script's and the engine's epoch losses (float32 sums in other orders). */
const LOSS_TOLERANCE = 1e-3;
/** Absolute difference allowed between the checkpoint's and the engine's final weights and statistics. */
const WEIGHT_TOLERANCE = 1e-3;

const dir = mkdtempSync(path.join(tmpdir(), 'netwright-pytorch-train-cnn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every layer of the catalog that a CNN uses, on 28 × 28 digits (read as 784 features, reshaped). */
const everyLayer = everyImageLayer({
  input: ['in', 'Input', { features: 784 }],
  reshape: ['img', 'Reshape', { channels: 1, height: 28, width: 28 }],
  stride: 2,
  units: 8,
  classes: 10,
});

interface Case {
  name: string;
  graph: GraphDoc;
  config: TrainConfig;
  train: Dataset;
  preprocessing: Preprocessing | null;
  data: TrainingScriptData;
}

/** The engine's run: starting weights, epoch points and final weights. */
async function netwright(c: Case) {
  const s = await TrainingSession.start(
    {},
    {
      graph: c.graph,
      config: c.config,
      name: c.name,
      data: { train: c.train, summary: '' },
      start: 'fresh',
      weights: null,
    },
  );
  const start = s.snapshot.weights!;
  const done = await s.runToEnd();
  expect(done.type).toBe('done');
  return { start, points: s.snapshot.points, weights: await s.weights() };
}

/** Each epoch's point printed by the script (--json: one object per epoch, then the summary). */
function epochPoints(stdout: string): Record<string, number>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, number>)
    .filter((o) => o.epoch !== undefined);
}

/** Train with the script and compare with the engine; the number of values compared. */
async function compare(c: Case): Promise<number> {
  const nw = await netwright(c);
  const file = path.join(dir, `${c.name}.train.py`);
  writeFileSync(
    file,
    exportPytorchTraining({
      name: c.name,
      graph: c.graph,
      config: c.config,
      weights: nw.start,
      preprocessing: c.preprocessing,
      data: c.data,
    }),
  );
  // The data is read from files, not embedded.
  expect(readFileSync(file, 'utf8')).toMatch(/^DATA = json\.loads\("\{\\"kind\\":\\"(digits|idx)\\"/m);
  const out = path.join(dir, `${c.name}.checkpoint.json`);
  const stdout = execFileSync(PYTHON, [file, '--json', '--device', 'cpu', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const got = epochPoints(stdout);
  expect(got).toHaveLength(nw.points.length);
  let compared = 0;
  for (const [i, want] of nw.points.entries())
    for (const key of ['loss', 'val_loss'] as const) {
      if (want[key] === undefined) continue;
      expect(Math.abs(got[i]![key]! - want[key]) / Math.abs(want[key]), `epoch ${i + 1} ${key}`).toBeLessThan(
        LOSS_TOLERANCE,
      );
      compared++;
    }
  const { project } = projectFromWeightsJson(readFileSync(out, 'utf8'), path.basename(out));
  for (const [name, w] of nw.weights) {
    const g = project.weights![name];
    expect(g, name).toBeDefined();
    expect(g!.shape).toEqual([...w.shape]);
    let worst = 0;
    for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(g!.data[i]! - w.data[i]!));
    expect(worst, name).toBeLessThan(WEIGHT_TOLERANCE);
    compared += w.data.length;
  }
  return compared;
}

/** IDX bytes (big-endian header) of unsigned bytes. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('the PyTorch training script for convolutional networks', () => {
  it('netwright export writes a LeNet script that reads the built-in digits itself, test set held out', async (ctx) => {
    need(ctx, torch());
    const project = newProject('lenet-digits');
    project.dataset = { kind: 'builtin', id: 'digits', params: { count: 300, test: 100 } };
    const file = path.join(dir, 'lenet.netwright');
    writeFileSync(file, JSON.stringify(project));
    const script = path.join(dir, 'lenet.train.py');
    const io = { isTty: false, out: () => undefined, err: () => undefined };
    expect(await exportCmd.run([file, '--format', 'pytorch-train', '--out', script], io)).toBe(0);
    const text = readFileSync(script, 'utf8');
    const data = JSON.parse(JSON.parse(/^DATA = json\.loads\((".*")\)$/m.exec(text)![1]!)) as Record<string, unknown>;
    expect(data).toEqual({ kind: 'digits', dir: defaultDigitsDir(), count: 300, seed: 1, test: 100 });
    const out = path.join(dir, 'lenet.checkpoint.json');
    const stdout = execFileSync(PYTHON, [script, '--json', '--device', 'cpu', '--epochs', '1', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { done: string; test: { accuracy: number } };
    expect(summary.done).toBe('completed');
    // 100 held-out digits were evaluated (accuracy is a multiple of 1/100).
    expect(Math.abs(summary.test.accuracy * 100 - Math.round(summary.test.accuracy * 100))).toBeLessThan(1e-9);
    expect(projectFromWeightsJson(readFileSync(out, 'utf8'), 'lenet.checkpoint.json').project.weights).toBeDefined();
  }, 300_000);

  it('trains every image layer on the built-in digits as Netwright does (running statistics, image dropout)', async (ctx) => {
    need(ctx, torch());
    // 241 digits, 20% for validation: 193 training rows, so each epoch ends with a batch of one row
    // (PyTorch refuses BatchNorm on one value per channel; the script computes it as Netwright does).
    const count = 241;
    const digits = await loadBuiltin('digits', { count });
    const config = makeTrainConfig({
      epochs: 3,
      batchSize: 32,
      optimizer: { name: 'adam', lr: 0.005 },
      validationSplit: 0.2,
      l2: 1e-4,
      seed: 5,
    });
    const compared = await compare({
      name: 'every-layer',
      graph: everyLayer,
      config,
      train: digits.train,
      preprocessing: null,
      data: {
        ref: { kind: 'builtin', id: 'digits', params: { count } },
        files: { kind: 'digits', dir: defaultDigitsDir(), count, seed: 1, test: 0 },
      },
    });
    // Three epochs' training and validation losses, and every weight and running statistic.
    expect(compared).toBeGreaterThan(6 + 1000);
  }, 300_000);

  it('reads an IDX pair with the fitted per-channel pixel scaling', async (ctx) => {
    need(ctx, torch());
    const count = 200;
    const digits = await loadBuiltin('digits', { count, seed: 3 });
    const pixels = Uint8Array.from(digits.train.x, (v) => Math.round(v * 255));
    const labels = Uint8Array.from({ length: count }, (_, r) => {
      const row = digits.train.y.subarray(r * 10, r * 10 + 10);
      return row.indexOf(1);
    });
    const images = path.join(dir, 'digits-images-idx3-ubyte');
    const labelsFile = path.join(dir, 'digits-labels-idx1-ubyte');
    writeFileSync(images, idx([count, 28, 28], pixels));
    writeFileSync(labelsFile, idx([count], labels));
    const prepared = await loadFileData(images, { labelsPath: labelsFile, pixels: 'channel' });
    expect(prepared.preprocessing!.pixels).toBe('channel');
    const graph = chain(
      784,
      [
        ['c', 'Conv2D', { filters: 4, kernel_size: 5, padding: 'valid', activation: 'relu' }],
        ['p', 'MaxPool2D', { pool_size: 2, stride: 2 }],
        ['f', 'Flatten'],
      ],
      { units: 10, activation: 'softmax', loss: 'cce' },
      { shape: 'image', channels: 1, height: 28, width: 28 },
    );
    const config = makeTrainConfig({
      epochs: 2,
      batchSize: 25,
      optimizer: { name: 'momentum', lr: 0.02, momentum: 0.9 },
      validationSplit: 0,
      seed: 11,
    });
    const compared = await compare({
      name: 'idx',
      graph,
      config,
      train: prepared.train,
      preprocessing: prepared.preprocessing!,
      data: {
        ref: { kind: 'file', path: images, labelsPath: labelsFile, options: {} },
        files: { kind: 'idx', images, labels: labelsFile },
      },
    });
    expect(compared).toBe(2 + 4 * 25 + 4 + 4 * 12 * 12 * 10 + 10);
  }, 300_000);
});
