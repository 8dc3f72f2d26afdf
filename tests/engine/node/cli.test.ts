// The CLI as a user runs it: the package's bin, straight from the checkout.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../../src-engine/project/project.ts';
import { mnistDigits, writeDigits, writePenguinsCsv } from '../data/fixtures.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('netwright CLI', () => {
  it('lists templates with one-line descriptions', async () => {
    const r = await cli(['templates']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^from-scratch\s+From scratch: 3-4-1 sigmoid/m);
    expect(r.stdout).toMatch(/^digits\s+Digits 784-15-10/m);
  });

  it('trains a template and prints exactly one JSON object with --json', async () => {
    const r = await cli(['train', 'from-scratch', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const m = JSON.parse(lines[0]!);
    expect(m.epochs).toBe(1500);
    expect(m.accuracy).toBe(1);
    expect(m.loss).toBeLessThan(0.01);
    expect(m.samples_per_s).toBeGreaterThan(0);
    expect(m.predictions.map((p: { output: number[] }) => Math.round(p.output[0]!))).toEqual([0, 1, 1, 0]);
  });

  it('a test set with a class the training rows never had is named as such, not as a missing target', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const rows = (labels: string[]) => ['a,b,y', ...labels.map((l, i) => `${i},${i % 3},${l}`)].join('\n');
    writeFileSync(path.join(dir, 'train.csv'), rows(['cat', 'dog', 'cat', 'dog', 'cat', 'dog']));
    writeFileSync(path.join(dir, 'test.csv'), rows(['cat', 'bird', 'dog']));
    const r = await cli([
      'train',
      '--data',
      path.join(dir, 'train.csv'),
      '--target',
      'y',
      '--test-data',
      path.join(dir, 'test.csv'),
      '--epochs',
      '1',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'test.csv (row 3, column "y"): the target "bird" is not one of the 2 classes of the training data (cat, dog)',
    );
    expect(r.stderr).not.toContain('Give every row a target value');
  });

  it('--out takes a .netwright file too, and refuses another kind of file before training', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const file = path.join(dir, 'mine.netwright');
    const r = await cli(['train', 'from-scratch', '--epochs', '5', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`project written to ${file}`);
    expect(parseProject(readFileSync(file, 'utf8')).runs).toHaveLength(1);
    const bad = await cli(['train', 'from-scratch', '--epochs', '5', '--out', path.join(dir, 'model.onnx')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "a trained project is written as a .netwright file; give a path ending in .netwright, or a folder. To export it as ONNX, use 'netwright export' on the project.",
    );
    expect(bad.stderr).not.toMatch(/epoch/);
    expect(existsSync(path.join(dir, 'model.onnx'))).toBe(false);
  });

  it('shows progress and writes the trained project to --out, which trains again from its weights', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const r = await cli(['train', 'circle', '--epochs', '40', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/data: Circle/);
    expect(r.stderr).toMatch(/100% epoch 40\/40/);
    expect(r.stdout).toMatch(/done: 40 epochs/);
    const file = path.join(dir, 'circle.netwright');
    const p = parseProject(readFileSync(file, 'utf8'));
    expect(Object.keys(p.weights!)).toContain('hidden1.W');
    expect(p.runs).toHaveLength(1);
    const csvOut = path.join(dir, 'metrics.csv');
    const exp = await cli(['export', file, '--format', 'metrics', '--out', csvOut]);
    expect(exp.code, exp.stderr).toBe(0);
    const rows = readFileSync(csvOut, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,lr');
    expect(rows).toHaveLength(41);
    const again = await cli(['train', file, '--epochs', '2', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).accuracy).toBeGreaterThan(0.8);
    // A trained project continues from its weights; --fresh starts from the seed's.
    const cont = await cli(['train', file, '--epochs', '1']);
    expect(cont.stderr).toMatch(/continuing from the project's weights \(\d+ of \d+ parameters; --fresh starts over\)/);
    const fresh = await cli(['train', file, '--epochs', '1', '--fresh', '--json']);
    const contJson = await cli(['train', file, '--epochs', '1', '--json']);
    expect(JSON.parse(contJson.stdout).loss).toBeLessThan(JSON.parse(fresh.stdout).loss);
  });

  it('trains through ONNX Runtime with --json and predicts with the trained model', async () => {
    const r = await cli(['train', 'circle', '--backend', 'ort', '--epochs', '20', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.epochs).toBe(20);
    expect(m).toMatchObject({ backend: 'ort-cpu', backend_reason: 'ONNX Runtime, as chosen in the settings' });
    expect(m.predictions).toHaveLength(10);
    for (const p of m.predictions as { target: string; predicted: string; output: number[] }[]) {
      expect(['outside', 'inside']).toContain(p.predicted);
      expect(p.predicted).toBe(p.output[0]! >= 0.5 ? 'inside' : 'outside');
    }
  });

  it('--threads 2 splits the mini-batches of a CNN between two cores and trains like one core; a bad count is refused', async () => {
    const args = ['train', 'why-conv-cnn', '--backend', 'ort', '--epochs', '1', '--batch', '64', '--json'];
    const one = await cli([...args, '--threads', '1']);
    const two = await cli([...args, '--threads', '2']);
    expect(two.code, two.stderr).toBe(0);
    const [a, b] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
    expect(b.epochs).toBe(1);
    // The same steps up to the order of float sums.
    expect(b.loss).toBeCloseTo(a.loss, 4);
    expect(b.accuracy).toBeCloseTo(a.accuracy, 2);
    const said = await cli(['train', 'why-conv-cnn', '--backend', 'ort', '--epochs', '1', '--threads', '2']);
    expect(said.stderr).toContain('backend: ONNX Runtime on cpu (2 cores, each mini-batch split between them)');
    // Without --threads the CLI (no page to keep a core for) splits over every core, at most 4.
    const every = Math.min(4, availableParallelism());
    const byDefault = await cli(['train', 'why-conv-cnn', '--backend', 'ort', '--epochs', '1']);
    expect(byDefault.stderr).toContain(
      every >= 2
        ? `backend: ONNX Runtime on cpu (${every} cores, each mini-batch split between them)`
        : 'backend: ONNX Runtime on cpu (1 thread)',
    );
    const bad = await cli(['train', 'circle', '--backend', 'ort', '--threads', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--threads must be between 1 and 64 (got 0).');
  });

  it("says which backend 'auto' chose and why (the TypeScript engine for a tiny network)", async () => {
    const r = await cli(['train', 'circle', '--backend', 'auto', '--epochs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /backend: the TypeScript engine; auto: the TypeScript engine, faster for this small network/,
    );
    const j = await cli(['train', 'circle', '--epochs', '2', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ backend: 'ts', backend_reason: expect.stringMatching(/^auto: /) });
  });

  it('imports an MLP made by torch.onnx.export as a project that predicts like PyTorch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-import-'));
    const fixture = path.resolve('tests/fixtures/onnx/torch_relu_softmax');
    const out = path.join(dir, 'imported.netwright');
    const imp = await cli(['import', `${fixture}.onnx`, '--out', out]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(/imported Input → Dense\(8, relu\) → Dense\(6, relu\) → Output\(3, softmax\)/);
    const { x, y } = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as { x: number[][]; y: number[][] };
    const csv = path.join(dir, 'rows.csv');
    writeFileSync(csv, [x[0]!.map((_, j) => `f${j}`).join(','), ...x.map((row) => row.join(','))].join('\n'));
    const pred = await cli(['predict', out, '--data', csv]);
    expect(pred.code, pred.stderr).toBe(0);
    const lines = pred.stdout.trim().split('\n');
    expect(lines[0]).toBe('label,p_0,p_1,p_2');
    lines.slice(1).forEach((line, r) => {
      const probs = line.split(',').slice(1).map(Number);
      probs.forEach((p, j) => expect(Math.abs(p - y[r]![j]!)).toBeLessThan(1e-5));
    });
    // Unsupported ops are refused, naming the op and the node.
    const conv = await cli(['import', path.resolve('tests/fixtures/onnx/torch_grouped_conv_refused.onnx')]);
    expect(conv.code).toBe(2);
    expect(conv.stderr).toMatch(/node '[^']+' \(Conv\) is a grouped convolution/);
  });

  it("imports PyTorch's LeNet-5, and both it and the .onnx file predict like PyTorch (1e-5) from pixel rows", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-import-lenet-'));
    const fixture = path.resolve('tests/fixtures/onnx/torch_lenet');
    const out = path.join(dir, 'lenet.netwright');
    const imp = await cli(['import', `${fixture}.onnx`, '--out', out]);
    expect(imp.code, imp.stderr).toBe(0);
    const { x, y } = JSON.parse(readFileSync(`${fixture}.json`, 'utf8')) as { x: number[][]; y: number[][] };
    const csv = path.join(dir, 'pixels.csv');
    writeFileSync(csv, [x[0]!.map((_, j) => `pixel${j + 1}`).join(','), ...x.map((row) => row.join(','))].join('\n'));
    for (const model of [out, `${fixture}.onnx`]) {
      const pred = await cli(['predict', model, '--data', csv]);
      expect(pred.code, pred.stderr).toBe(0);
      const [header, ...rows] = pred.stdout.trim().split('\n');
      // Another tool's model: its columns are named after the model's output ('output', 10 wide).
      if (model.endsWith('.onnx')) expect(header).toBe(Array.from({ length: 10 }, (_, j) => `output_${j}`).join(','));
      expect(rows).toHaveLength(x.length);
      rows.forEach((line, r) => {
        const cells = line.split(',').map(Number);
        // The project's CSV starts with the label; the raw model's has only its output.
        const probs = cells.slice(cells.length - 10);
        probs.forEach((p, j) => expect(Math.abs(p - y[r]![j]!), `${model} row ${r}`).toBeLessThan(1e-5));
      });
    }
  });

  it('says which layer blew up when a run diverges, and what to try (exit 3)', async () => {
    // The deep ReLU template at learning rate 5: NaN within its first epoch; the epoch is replayed to find the layer.
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-diverge-'));
    const r = await cli(['train', 'vanishing-relu', '--lr', '5', '--epochs', '5', '--out', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /Training diverged in epoch 1, batch \d+: the loss became NaN\. The initial weights \(before epoch 1\) were restored\. The gradients of layer '(hidden[1-8]|output)' grew first \(to [\d,]+× their size at the start, then NaN or infinite\)\. Try a learning rate of 0\.5, or gradient clipping \(a clip norm of 1\)\.\n/,
    );
    expect(r.stderr).not.toContain('Try a smaller learning rate');
  });

  it('applies overrides and is deterministic for a seed', async () => {
    const args = [
      'train',
      'xor-quadrants',
      '--epochs',
      '3',
      '--batch',
      '8',
      '--lr',
      '0.05',
      '--optimizer',
      'rmsprop',
      '--seed',
      '7',
      '--json',
    ];
    const a = await cli(args);
    const b = await cli(args);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).loss).toBe(JSON.parse(b.stdout).loss);
    expect(JSON.parse(a.stdout).epochs).toBe(3);
  });

  it("takes a built-in dataset's slider settings (--dataset-params, --validation) and keeps them in the project", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const r = await cli([
      'train',
      'circle-features',
      '--dataset-params',
      'n=300,noise=0.2',
      '--validation',
      '0.3',
      '--epochs',
      '3',
      '--out',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/data: Circle.*300 rows/);
    const p = parseProject(readFileSync(path.join(dir, 'circle-features.netwright'), 'utf8'));
    expect(p.dataset).toEqual({ kind: 'builtin', id: 'circle', params: { n: 300, noise: 0.2 } });
    expect(p.training.validationSplit).toBe(0.3);
    for (const [args, why] of [
      [['--dataset-params', 'n=1'], /parameter "n" must be between 2 and 1000000 \(got 1\)/],
      [['--dataset-params', 'points=300'], /has no parameter "points" \(parameters: n, noise, seed\)/],
      [
        ['--dataset-params', 'n=lots'],
        /--dataset-params takes name=number pairs like n=800,noise=0.2 \(got 'n=lots'\)/,
      ],
    ] as const) {
      const bad = await cli(['train', 'circle', '--epochs', '1', ...args]);
      expect(bad.code, args.join(' ')).not.toBe(0);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(why);
    }
  });

  it('fails with one clear line and no stack trace', async () => {
    for (const args of [
      ['train', 'no-such-template'],
      ['train', 'circle', '--epochs', 'ten'],
      ['train', 'circle', '--optimizer', 'lbfgs'],
      ['train', 'missing.netwright'],
      ['frobnicate'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'nw-cli-')), 'bad.netwright');
    writeFileSync(bad, '{"format": "netwright-project", "version": 1, "graph": 3}');
    const r = await cli(['train', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad.netwright is damaged: graph/);
  });

  it('builds a network sized to a data file, prints a summary line first, and reports held-out metrics', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-data-'));
    const csv = writePenguinsCsv(dir);
    const r = await cli(['train', '--data', csv, '--target', 'Species', '--hidden', '16', '--epochs', '30']);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/^data: penguins\.csv: 344 rows, 7 columns .*target Species: multiclass/);
    expect(r.stdout).toMatch(/test_accuracy (0\.9[5-9]|1)/);
    const j = await cli(['train', '--data', csv, '--target', 'Species', '--json', '--test-split', '0.25']);
    const m = JSON.parse(j.stdout);
    expect(m.test_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(m.predictions[0].target).toMatch(/Adelie|Chinstrap|Gentoo/);
  });

  it("trains a project again with its file read as before: the project's scaling, missing-value rule and features", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-prep-'));
    const csv = path.join(dir, 'points.csv');
    const lines = ['a,b,note,y'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${i % 7 === 3 ? '' : (i * 37) % 11},x${i},${i % 2 ? 'yes' : 'no'}`);
    writeFileSync(csv, lines.join('\n'));
    const file = path.join(dir, 'points.netwright');
    const first = await cli([
      'train',
      '--data',
      csv,
      '--target',
      'y',
      '--scaling',
      'minmax',
      '--epochs',
      '1',
      '--out',
      file,
    ]);
    expect(first.code, first.stderr).toBe(0);
    const p1 = parseProject(readFileSync(file, 'utf8'));
    const pre1 = p1.preprocessing as { scaling: string; missing: string; inputs: { column: string }[] };
    expect(pre1.scaling).toBe('minmax');
    expect(pre1.inputs.map((i) => i.column)).toEqual(['a', 'b']);
    // As if the Data panel had chosen to fill missing values in: the project keeps that choice.
    writeFileSync(file, JSON.stringify({ ...p1, preprocessing: { ...pre1, missing: 'impute' } }));
    const file2 = path.join(dir, 'again.netwright');
    const again = await cli(['train', file, '--epochs', '1', '--out', file2]);
    expect(again.code, again.stderr).toBe(0);
    const p2 = parseProject(readFileSync(file2, 'utf8'));
    expect(p2.runs).toHaveLength(2);
    const pre2 = p2.preprocessing as { scaling: string; missing: string; inputs: { column: string }[] };
    expect(pre2.scaling).toBe('minmax');
    expect(pre2.missing).toBe('impute');
    expect(pre2.inputs.map((i) => i.column)).toEqual(['a', 'b']);
    // min-max: a (0 to 39) is scaled by its range in the training rows (standard scaling: by its
    // standard deviation, about 11)
    const a = pre2.inputs[0] as unknown as { offset: number; scale: number };
    expect(a.offset).toBeGreaterThanOrEqual(0);
    expect(1 / a.scale).toBeGreaterThan(30);
    // --scaling still overrides the project's choice.
    const file3 = path.join(dir, 'standard.netwright');
    const std = await cli(['train', file, '--epochs', '1', '--scaling', 'standard', '--out', file3]);
    expect(std.code, std.stderr).toBe(0);
    expect((parseProject(readFileSync(file3, 'utf8')).preprocessing as { scaling: string }).scaling).toBe('standard');
  });

  it('trains on an IDX image/label pair', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-idx-'));
    const files = writeDigits(dir, mnistDigits(60));
    const r = await cli([
      'train',
      '--data',
      files.imagesGz,
      '--labels',
      files.labelsGz,
      '--hidden',
      '32',
      '--epochs',
      '5',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.epochs).toBe(5);
    expect(m.test_accuracy).toBeGreaterThan(0.6);
  });

  it('reports test_accuracy on a separate test set (--test-data, --test-labels): file data and a template', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-test-'));
    const all = mnistDigits(80);
    const part = (from: number, to: number) => ({
      pixels: all.pixels.subarray(from * 784, to * 784),
      labels: all.labels.subarray(from, to),
      rows: to - from,
    });
    const train = writeDigits(path.join(dir, 'train'), part(0, 600));
    const test = writeDigits(path.join(dir, 'test'), part(600, 800));
    const r = await cli([
      'train',
      '--data',
      train.images,
      '--labels',
      train.labels,
      '--test-data',
      test.images,
      '--test-labels',
      test.labels,
      '--hidden',
      '32',
      '--epochs',
      '8',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.test_accuracy).toBeGreaterThan(0.6);
    expect(m.test_loss).toBeGreaterThan(0);
    // A template trained on the built-in digits, tested on the IDX file (pixels ÷255 like the built-in ones).
    const t = await cli([
      'train',
      'digits',
      '--epochs',
      '2',
      '--test-data',
      test.imagesGz,
      '--test-labels',
      test.labelsGz,
    ]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr.split('\n')[0]).toMatch(/; test set digits-images-idx3-ubyte\.gz: 200 rows$/);
    const acc = Number(/test_accuracy (\S+)/.exec(t.stdout)![1]);
    expect(acc).toBeGreaterThan(0.7);
    // A test file that does not fit the model is refused in one line.
    const bad = await cli(['train', 'digits', '--epochs', '1', '--test-data', writePenguinsCsv(dir)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^.*penguins\.csv has \d+ features per row; the training data has 784/);
  });

  it('names the file and column when the data is wrong', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-bad-'));
    const csv = writePenguinsCsv(dir);
    const r = await cli(['train', '--data', csv, '--target', 'Wingspan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/penguins\.csv \(column "Wingspan"\): there is no target column/);
  });

  it('trains on an image folder with one subfolder per class', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-img-'));
    for (const [cls, shade] of [
      ['dark', 40],
      ['light', 215],
    ] as const) {
      mkdirSync(path.join(dir, cls));
      for (let i = 0; i < 8; i++) {
        const v = shade + (i % 4) * 5;
        await sharp({ create: { width: 6, height: 6, channels: 3, background: { r: v, g: v, b: v } } })
          .png()
          .toFile(path.join(dir, cls, `${i}.png`));
      }
    }
    const r = await cli(['train', '--data', dir, '--hidden', '4', '--epochs', '30', '--test-split', '0.25', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.test_accuracy).toBe(1);
    expect(['dark', 'light']).toContain(m.predictions[0].target);
  });
});
