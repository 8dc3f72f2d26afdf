/**
 * Checkpoints: a run resumed from any of its checkpoints with unchanged settings ends bit-identical
 * to the original — weights, optimizer state, dropout masks and shuffling — on the TypeScript engine
 * and on ONNX Runtime; the CLI keeps checkpoints in the project and resumes from them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { createOrtBackend } from '../../../src-engine/node/ort/index.ts';
import { parseProject } from '../../../src-engine/project/project.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { checkpointFromJson, checkpointToJson, keepCheckpoint } from '../../../src-engine/train/session.ts';
import { checkpointSchema } from '../../../src-engine/project/project.ts';
import { Trainer, type Checkpoint } from '../../../src-engine/train/trainer.ts';
import type { WeightSet } from '../../../src-engine/tensor/weights.ts';
import { chain } from '../backprop/util.ts';
import { tinyCnn, tinyImages } from '../data/tiny-images.ts';

const graph = chain(
  2,
  [
    ['h', 'Dense', { units: 12, activation: 'tanh' }],
    ['drop', 'Dropout', { rate: 0.25 }],
    ['h2', 'Dense', { units: 6, activation: 'relu' }],
  ],
  { units: 1, activation: 'sigmoid', loss: 'bce' },
);
const data = getBuiltinDataset('circle', { n: 300 });
const config = makeTrainConfig({
  epochs: 12,
  batchSize: 16,
  optimizer: { name: 'adam', lr: 0.02 },
  seed: 9,
  checkpointEvery: 4,
});

function same(a: WeightSet, b: WeightSet): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, w] of a) expect(Array.from(b.get(k)!.data), k).toEqual(Array.from(w.data));
}

async function run(opts: { resume?: Checkpoint; ort?: boolean }) {
  const backend = opts.ort ? await createOrtBackend({ graph, config, ep: 'cpu' }) : undefined;
  const trainer = new Trainer({
    graph,
    config,
    train: data,
    ...(backend ? { backend } : {}),
    ...(opts.resume ? { resume: opts.resume } : {}),
  });
  const checkpoints: Checkpoint[] = [];
  const losses: number[] = [];
  await trainer.runToEnd((e) => {
    if (e.type === 'checkpoint') checkpoints.push(e.checkpoint);
    if (e.type === 'epoch') losses.push(e.metrics.loss);
  });
  const weights = await trainer.backend.getWeights();
  await backend?.dispose();
  return { checkpoints, losses, weights };
}

describe('checkpoints', () => {
  for (const ort of [false, true]) {
    it(`a run resumed from each checkpoint is bit-identical to the original (${ort ? 'ONNX Runtime' : 'TypeScript engine'})`, async () => {
      const original = await run({ ort });
      expect(original.checkpoints.map((c) => c.epoch)).toEqual([4, 8, 12]);
      expect(original.checkpoints[0]!.state.size).toBeGreaterThan(0); // Adam's m and v
      expect(original.checkpoints[0]!.maskRng).not.toBeNull(); // dropout's generator
      let replayed = 0;
      for (const c of original.checkpoints.slice(0, 2)) {
        const again = await run({ resume: c, ort });
        expect(again.losses).toEqual(original.losses.slice(c.epoch));
        same(original.weights, again.weights);
        replayed++;
      }
      expect(replayed).toBe(2);
    }, 60_000);
  }

  it('keeps the augmentation generator: a run with shifted and flipped images resumes bit-identical', async () => {
    const images = tinyImages(5);
    const cnn = tinyCnn();
    const cfg = makeTrainConfig({ epochs: 6, batchSize: 8, seed: 4, augment: { shift: 1, flip: true } });
    const train = async (resume?: Checkpoint) => {
      const t = new Trainer({
        graph: cnn,
        config: cfg,
        train: images,
        checkpointEvery: 3,
        ...(resume ? { resume } : {}),
      });
      const checkpoints: Checkpoint[] = [];
      await t.runToEnd((e) => {
        if (e.type === 'checkpoint') checkpoints.push(e.checkpoint);
      });
      return { checkpoints, weights: await t.backend.getWeights() };
    };
    const original = await train();
    const at3 = original.checkpoints.find((c) => c.epoch === 3)!;
    expect(at3.augmentRng).toBeTruthy();
    // Through the project file's form, as the app and the CLI keep it.
    const stored = checkpointFromJson(
      checkpointSchema.parse(JSON.parse(JSON.stringify(checkpointToJson(at3, 'r')))),
      cnn,
    );
    same(original.weights, (await train(stored)).weights);
  }, 60_000);

  it('keeps checkpoints within a budget, thinning the older ones and keeping the first and the newest', () => {
    const w = (v: number): WeightSet => new Map([['p', { shape: [10], data: new Float32Array(10).fill(v) }]]);
    const list: Checkpoint[] = [];
    for (let e = 1; e <= 40; e++)
      keepCheckpoint(
        list,
        { epoch: e, t: e, weights: w(e), state: new Map(), maskRng: null, watch: null, keep: null, early: null },
        100,
      );
    expect(list.length).toBeLessThanOrEqual(10);
    expect(list[0]!.epoch).toBe(1);
    expect(list.at(-1)!.epoch).toBe(40);
  });

  it('netwright train keeps checkpoints and --resume-from replays the run exactly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-ckpt-'));
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [path.resolve('bin/netwright.mjs'), ...args], { timeout: 60_000 });
    await cli(['train', 'circle', '--epochs', '12', '--checkpoint-every', '4', '--out', dir]);
    const file = path.join(dir, 'circle.netwright');
    const first = parseProject(readFileSync(file, 'utf8'));
    expect(first.checkpoints!.map((c) => c.epoch)).toEqual([4, 8, 12]);
    const out2 = mkdtempSync(path.join(tmpdir(), 'nw-ckpt2-'));
    const r = await cli(['train', file, '--resume-from', '8', '--epochs', '12', '--out', out2]);
    expect(r.stderr).toMatch(/resuming the run from its checkpoint at epoch 8/);
    const again = parseProject(readFileSync(path.join(out2, 'circle.netwright'), 'utf8'));
    expect(again.weights).toEqual(first.weights);
    await expect(cli(['train', file, '--resume-from', '5'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/no checkpoint at epoch 5; it has 4, 8, 12/),
    });
  }, 90_000);
});
