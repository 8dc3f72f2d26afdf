/**
 * The exported PyTorch training script (export --format pytorch-train) run with Debian's
 * python3-torch on the CPU, single process and under torchrun with two gloo processes: the same data,
 * starting weights, batch order, loss and optimizer as Netwright's trainer, so its per-epoch loss
 * matches the TypeScript engine's within LOSS_TOLERANCE, and its checkpoint reads back as a project
 * whose weights match the engine's within WEIGHT_TOLERANCE. Skipped (with the reason) where python3
 * has no torch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { need, PYTHON, torch } from '../../support/prerequisites.ts';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { projectFromWeightsJson } from '../../../src-engine/onnx/json-export.ts';
import { exportPytorchTraining } from '../../../src-engine/onnx/pytorch-train.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { TrainingSession } from '../../../src-engine/train/session.ts';
import { chainGraph } from '../../../src-engine/train/templates.ts';

/** Relative difference allowed between the script's and the engine's epoch losses (float32 sums in other orders). */
const LOSS_TOLERANCE = 1e-3;
/** Absolute difference allowed between the checkpoint's and the engine's final weights. */
const WEIGHT_TOLERANCE = 1e-3;

const dir = mkdtempSync(path.join(tmpdir(), 'netwright-pytorch-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = getBuiltinDataset('circle', { n: 240, noise: 0.1 });
const graph = chainGraph(
  2,
  [
    { units: 8, activation: 'tanh' },
    { units: 6, activation: 'relu' },
  ],
  { units: 1, activation: 'sigmoid', loss: 'bce' },
);
const config = makeTrainConfig({
  epochs: 4,
  batchSize: 32,
  optimizer: { name: 'adam', lr: 0.02 },
  schedule: { kind: 'step', everyEpochs: 2, factor: 0.5 },
  validationSplit: 0,
  seed: 7,
});

/** The engine's run: epoch losses and final weights. */
async function netwright() {
  const s = await TrainingSession.start(
    {},
    { graph, config, name: 'circle', data: { train: data, summary: '' }, start: 'fresh', weights: null },
  );
  const first = s.snapshot.weights!;
  const done = await s.runToEnd();
  expect(done.type).toBe('done');
  return { start: first, losses: s.snapshot.points.map((p) => p.loss), weights: await s.weights() };
}

function script(start: Awaited<ReturnType<typeof netwright>>['start']): string {
  const file = path.join(dir, 'circle.train.py');
  writeFileSync(
    file,
    exportPytorchTraining({
      name: 'circle',
      graph,
      config,
      weights: start,
      preprocessing: null,
      data: { sets: { train: data } },
    }),
  );
  return file;
}

/** Epoch losses printed by the script (--json: one object per epoch, then the summary; torchrun prefixes lines). */
function epochLosses(stdout: string): number[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes('{'))
    .map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { epoch?: number; loss?: number })
    .filter((o) => o.epoch !== undefined)
    .map((o) => o.loss!);
}

function expectClose(got: number[], want: number[]) {
  expect(got).toHaveLength(want.length);
  for (const [i, w] of want.entries())
    expect(Math.abs(got[i]! - w) / Math.abs(w), `epoch ${i + 1}`).toBeLessThan(LOSS_TOLERANCE);
}

function expectCheckpoint(file: string, want: Awaited<ReturnType<typeof netwright>>['weights']) {
  const { project } = projectFromWeightsJson(readFileSync(file, 'utf8'), path.basename(file));
  expect(project.training.seed).toBe(config.seed);
  let checked = 0;
  for (const [name, w] of want) {
    const got = project.weights![name]!;
    expect(got.shape).toEqual([...w.shape]);
    for (let i = 0; i < w.data.length; i++) expect(Math.abs(got.data[i]! - w.data[i]!)).toBeLessThan(WEIGHT_TOLERANCE);
    checked += w.data.length;
  }
  expect(checked).toBe(2 * 8 + 8 + 8 * 6 + 6 + 6 + 1);
}

describe('the PyTorch training script', () => {
  it('trains as Netwright does in one process: the same epoch losses and final weights', async (ctx) => {
    need(ctx, torch());
    const nw = await netwright();
    const out = path.join(dir, 'single.checkpoint.json');
    const stdout = execFileSync(PYTHON, [script(nw.start), '--json', '--device', 'cpu', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expectClose(epochLosses(stdout), nw.losses);
    expectCheckpoint(out, nw.weights);
  }, 120_000);

  it('trains the same under torchrun --nproc_per_node 2 (gloo on the CPU, DistributedDataParallel)', async (ctx) => {
    need(ctx, torch());
    const nw = await netwright();
    const out = path.join(dir, 'ddp.checkpoint.json');
    const stdout = execFileSync(
      PYTHON,
      [
        '-m',
        'torch.distributed.run',
        '--nproc_per_node',
        '2',
        // torch 1.13's launcher on Python 3.11 cannot parse its own default '--redirects 0' (Std.NONE is
        // not iterated by the enum any more): redirect and tee stdout, whose lines get a '[defaultN]:' prefix.
        '--redirects',
        '1',
        '--tee',
        '1',
        '--master_port',
        String(29_500 + (process.pid % 1000)),
        script(nw.start),
        '--json',
        '--device',
        'cpu',
        '--out',
        out,
      ],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } },
    );
    expectClose(epochLosses(stdout), nw.losses);
    expectCheckpoint(out, nw.weights);
  }, 180_000);
});
