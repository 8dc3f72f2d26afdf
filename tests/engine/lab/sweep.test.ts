/** Sweeps: grids and seeded samples of settings, each trained as its own run whose project can be opened. */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import {
  applySetting,
  Sweep,
  SWEEP_CHECKPOINT_BUDGET,
  sweepCheckpointEvery,
  sweepRunBudget,
  sweepSettings,
} from '../../../src-engine/lab/sweep.ts';
import { workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import type { ApiEvent, SweepResult } from '../../../src-engine/protocol/api.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { CHECKPOINT_BUDGET, checkpointFromJson, checkpointSize } from '../../../src-engine/train/session.ts';
import { getTemplate, newProject } from '../../../src-engine/train/templates.ts';

describe('sweep settings', () => {
  it('makes every combination of a grid, or a seeded sample without repeats', () => {
    const grid = sweepSettings({ lr: [0.1, 0.01], width: [4, 8, 16] }, 'grid');
    expect(grid).toHaveLength(6);
    expect(new Set(grid.map((s) => JSON.stringify(s))).size).toBe(6);
    const a = sweepSettings({ lr: [0.1, 0.01, 0.001], batchSize: [8, 16, 32], seed: [1, 2] }, 'random', 5, 7);
    const b = sweepSettings({ lr: [0.1, 0.01, 0.001], batchSize: [8, 16, 32], seed: [1, 2] }, 'random', 5, 7);
    expect(a).toEqual(b);
    expect(new Set(a.map((s) => JSON.stringify(s))).size).toBe(5);
    expect(() => sweepSettings({ lr: [1, 2, 3, 4, 5, 6, 7, 8], width: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'grid')).toThrow(
      /72 settings, more than the 64/,
    );
  });

  it('applies a width to every hidden Dense layer and a learning rate to the optimizer', () => {
    const t = getTemplate('xor-quadrants');
    const { graph, config } = applySetting(t.graph, makeTrainConfig(t.training), { width: 5, lr: 0.3, batchSize: 4 });
    expect(graph.nodes.filter((n) => n.type === 'Dense').every((n) => n.params.units === 5)).toBe(true);
    expect(graph.nodes.find((n) => n.type === 'Output')!.params.units).toBe(
      t.graph.nodes.find((n) => n.type === 'Output')!.params.units,
    );
    expect(config.optimizer.lr).toBe(0.3);
    expect(config.batchSize).toBe(4);
  });
});

describe('checkpoints of sweep runs', () => {
  const t = getTemplate('x4-relu-hidden');
  const data = { train: getBuiltinDataset('x4-l-shape', {}), summary: '' };
  const project = (over: object = {}) => ({
    ...newProject('x4-relu-hidden'),
    training: makeTrainConfig({ ...t.training, epochs: 15, ...over }),
  });
  async function sweep(p: ReturnType<typeof project>, n: number, budget?: number) {
    const s = new Sweep(p, data, sweepSettings({ lr: [0.1, 0.05, 0.02, 0.01].slice(0, n) }, 'grid'), budget);
    await s.run({}, () => {});
    return s;
  }

  it('takes the project interval, or a few evenly spaced checkpoints; the budget is shared among the runs', () => {
    expect(sweepCheckpointEvery(makeTrainConfig({ epochs: 15, checkpointEvery: 5 }))).toBe(5);
    expect(sweepCheckpointEvery(makeTrainConfig({ epochs: 15 }))).toBe(4);
    expect(sweepCheckpointEvery(makeTrainConfig({ epochs: 100 }))).toBe(25);
    expect(sweepCheckpointEvery(makeTrainConfig({ epochs: 2 }))).toBe(1);
    expect(SWEEP_CHECKPOINT_BUDGET).toBe(CHECKPOINT_BUDGET);
    expect(sweepRunBudget(64)).toBe(62_500);
    expect(sweepRunBudget(1, 1000)).toBe(1000);
  });

  it('keeps checkpoints every few epochs, and an opened result can be forked from them', async () => {
    const s = await sweep(project(), 2);
    expect(s.results.map((r) => r.status)).toEqual(['done', 'done']);
    expect(s.results.map((r) => r.checkpoints)).toEqual([
      [4, 8, 12],
      [4, 8, 12],
    ]);
    expect(s.results.every((r) => r.checkpointNote === undefined)).toBe(true);
    const p = s.resultProject(1);
    expect(p.training.checkpointEvery).toBe(4);
    expect(p.checkpoints!.map((c) => c.epoch)).toEqual([4, 8, 12]);
    expect(p.checkpoints!.every((c) => c.runId === p.runs.at(-1)!.id)).toBe(true);
    // Each restores on the run's graph, with the optimizer's state (Adam's moments) for an exact resume.
    const c = checkpointFromJson(p.checkpoints![1]!, p.graph);
    expect(c.weights.get('hidden.W')!.data.length).toBeGreaterThan(0);
    // The two runs differ (learning rates 0.1 and 0.05): their checkpoints are their own.
    expect(s.resultProject(0).checkpoints![0]!.weights).not.toEqual(p.checkpoints![0]!.weights);
    // The project's own interval when it sets one.
    const own = await sweep(project({ checkpointEvery: 5 }), 1);
    expect(own.results[0]!.checkpoints).toEqual([5, 10, 15]);
  });

  it('thins each run to its share of the budget, and keeps none where one checkpoint is over it', async () => {
    const one = checkpointSize(
      checkpointFromJson((await sweep(project(), 1)).resultProject(0).checkpoints![0]!, t.graph),
    );
    expect(one).toBeGreaterThan(0);
    // Two runs, room for 2.5 checkpoints each: of 4, 8 and 12 the first and the newest stay.
    const thin = await sweep(project(), 2, Math.floor(5 * one));
    expect(thin.results.map((r) => r.checkpoints)).toEqual([
      [4, 12],
      [4, 12],
    ]);
    expect(thin.results[0]!.checkpointNote).toBe(
      `Kept 2 of 3 checkpoints within its share of the sweep's checkpoint budget (${Math.floor((5 * one) / 2).toLocaleString('en-US')} of ${Math.floor(5 * one).toLocaleString('en-US')} numbers for 2 runs).`,
    );
    // Four runs, room for less than one each: none kept, and the note says why.
    const none = await sweep(project(), 4, 3 * one);
    expect(none.results.every((r: SweepResult) => r.checkpoints.length === 0)).toBe(true);
    expect(none.results[3]!.checkpointNote).toMatch(
      /^No checkpoints kept: one holds [\d,]+ numbers, more than its share/,
    );
    expect(none.resultProject(3).checkpoints).toBeUndefined();
    // Every sweep stays within its budget, all runs together.
    for (const [s, budget] of [
      [thin, 5 * one],
      [none, 3 * one],
    ] as const) {
      const held = s.results.reduce(
        (a, r) =>
          a +
          (s.resultProject(r.index).checkpoints ?? []).reduce(
            (b, c) => b + checkpointSize(checkpointFromJson(c, s.resultProject(r.index).graph)),
            0,
          ),
        0,
      );
      expect(held).toBeLessThanOrEqual(budget);
    }
  });
});

describe('a sweep in the engine worker', () => {
  const engine = workerEngine(path.join(import.meta.dirname, '../protocol/engine-worker.boot.mjs'));
  afterAll(() => engine.close());

  it('trains each setting in the background, reports results, and gives each run as a project', async () => {
    const t = getTemplate('x4-relu-hidden');
    const project = { ...newProject('x4-relu-hidden'), training: makeTrainConfig({ ...t.training, epochs: 15 }) };
    const latest = new Map<number, SweepResult>();
    let finished!: () => void;
    const all = new Promise<void>((r) => (finished = r));
    const off = engine.onEvent((e: ApiEvent) => {
      if (e.type !== 'sweep-progress') return;
      latest.set(e.result.index, e.result);
      if (latest.size === 3 && [...latest.values()].every((r) => r.status === 'done' || r.status === 'failed'))
        finished();
    });
    const { sweepId, runs } = await engine.sweepStart({
      project,
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      space: { lr: [0.1, 0.01, 0.0001] },
      mode: 'grid',
      count: 8,
    });
    expect(runs).toBe(3);
    await all;
    off();
    const results = [...latest.values()].sort((a, b) => a.index - b.index);
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(results.every((r) => r.curve.series.loss!.x.length === 15 && typeof r.final.loss === 'number')).toBe(true);
    // The curve's last point is the run's final training loss (15 epochs fit unmerged in its buckets).
    expect(results.every((r) => r.curve.series.loss!.y.at(-1) === r.final.loss)).toBe(true);
    // A tiny learning rate barely moves the loss: the board can rank them.
    expect(results[2]!.final.loss).toBeGreaterThan(results[0]!.final.loss);
    const p = await engine.sweepResult({ sweepId, index: 0 });
    expect(p.training.optimizer.lr).toBe(0.1);
    expect(p.weights).toBeTruthy();
    expect(p.runs.at(-1)!.epochs).toHaveLength(15);
    // Its checkpoints come along (every 4 of 15 epochs), as the board says.
    expect(results.every((r) => r.checkpoints.join() === '4,8,12')).toBe(true);
    expect(p.checkpoints!.map((c) => c.epoch)).toEqual([4, 8, 12]);
  }, 90_000);
});
