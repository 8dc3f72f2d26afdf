/** Sweeps: grids and seeded samples of settings, each trained as its own run whose project can be opened. */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applySetting, sweepSettings } from '../../../src-engine/lab/sweep.ts';
import { workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import type { ApiEvent, SweepResult } from '../../../src-engine/protocol/api.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
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
  }, 90_000);
});
