/**
 * `netwright step` against PyTorch: every layer's output and gradient, the loss, and each parameter's
 * gradient, update and optimizer state for one training step, in float64, for three networks (the
 * from-scratch 3-4-1 net with its sum of squares, a softmax net with Adam, and a deeper BCE net with
 * momentum and L2). The fixture is made by scripts/torch-step-golden.py with Debian's python3-torch.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { traceStep } from '../../../src-engine/lab/step.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import { initWeights, CompiledModel } from '../../../src-engine/model/compile.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');

interface GoldenNet {
  name: string;
  nodes: [string, string, Record<string, unknown>][];
  edges: [string, string][];
  training: Record<string, unknown>;
  x: number[][];
  target: number[];
  loss: number;
  objective: number;
  node_values: Record<string, { output: number[]; grad: number[] | null; pre?: number[]; pre_grad?: number[] | null }>;
  params: Record<
    string,
    { shape: number[]; value: number[]; grad: number[]; next: number[]; state: Record<string, number[]> }
  >;
}

const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/torch-step-golden.json', import.meta.url), 'utf8'),
) as { torch: string; nets: GoldenNet[] };

function close(what: string, actual: ArrayLike<number> | null | undefined, expected: number[] | null | undefined) {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${what} has no gradient`).toBeNull();
    return;
  }
  expect(actual, what).toBeTruthy();
  expect(actual!.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual![i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(err < 1e-10)) throw new Error(`${what}[${i}]: engine ${actual![i]}, torch ${expected[i]} (error ${err})`);
  }
}

describe(`netwright step against PyTorch ${golden.torch} (float64)`, () => {
  it('covers at least three networks, including the from-scratch 3-4-1 net and a softmax net with Adam', () => {
    expect(golden.nets.length).toBeGreaterThanOrEqual(3);
    expect(golden.nets.some((n) => n.nodes.some((d) => d[2].loss === 'sum_squares'))).toBe(true);
    expect(golden.nets.some((n) => (n.training.optimizer as { name: string }).name === 'adam')).toBe(true);
  });

  for (const net of golden.nets) {
    it(
      net.name,
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'nw-step-'));
        const project = {
          format: 'netwright-project',
          version: 1,
          name: net.name,
          graph: {
            format: 'netwright-graph',
            version: 1,
            nodes: net.nodes.map(([id, type, params]) => ({ id, type, params, position: { x: 0, y: 0 } })),
            edges: net.edges.map(([source, target]) => ({ source, target })),
          },
          training: net.training,
          weights: Object.fromEntries(
            Object.entries(net.params).map(([k, p]) => [k, { shape: p.shape, data: p.value }]),
          ),
          runs: [],
        };
        const file = path.join(dir, 'net.netwright');
        const before = JSON.stringify(project);
        writeFileSync(file, before);
        const csv = path.join(dir, 'rows.csv');
        const F = net.x[0]!.length;
        writeFileSync(
          csv,
          [
            [...Array.from({ length: F }, (_, j) => `f${j}`), 'y'].join(','),
            ...net.x.map((r, i) => [...r, net.target[i]].join(',')),
          ].join('\n'),
        );
        const r = await run(
          process.execPath,
          [bin, 'step', file, '--data', csv, '--target', 'y', '--scaling', 'none', '--dtype', 'float64', '--json'],
          {
            timeout: 60_000,
          },
        );
        const out = JSON.parse(r.stdout);
        // The batch is the file's rows, unchanged and in order.
        close('x', out.x, net.x.flat());
        expect(out.loss).toBeCloseTo(net.loss, 12);
        expect(out.objective).toBeCloseTo(net.objective, 12);
        let checked = 0;
        for (const node of out.nodes as {
          id: string;
          output: number[];
          grad: number[] | null;
          pre?: number[];
          pre_grad?: number[] | null;
        }[]) {
          const want = net.node_values[node.id]!;
          close(`${node.id} output`, node.output, want.output);
          close(`${node.id} gradient`, node.grad, want.grad);
          if (want.pre) {
            close(`${node.id} pre-activation`, node.pre, want.pre);
            close(`${node.id} pre-activation gradient`, node.pre_grad, want.pre_grad);
          }
          checked++;
        }
        expect(checked).toBe(net.nodes.length);
        for (const [name, want] of Object.entries(net.params)) {
          const got = out.params[name];
          close(`${name} value`, got.value, want.value);
          close(`${name} gradient`, got.grad, want.grad);
          close(`${name} after the step`, got.next, want.next);
          for (const [s, v] of Object.entries(want.state)) close(`${name} ${s}`, got.state[s].next, v);
        }
        // The project is not changed.
        expect(readFileSync(file, 'utf8')).toBe(before);
      },
      60_000,
    );
  }
});

describe('netwright step on a template', () => {
  it('takes --batch rows of its first mini-batch and keys params like the weights', async () => {
    const r = await run(process.execPath, [bin, 'step', 'x4-relu-hidden', '--batch', '4', '--json'], {
      timeout: 60_000,
    });
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBe(4);
    expect(out.x).toHaveLength(4 * 2);
    expect(out.nodes.map((n: { id: string }) => n.id)).toEqual(['input', 'hidden', 'output']);
    const hidden = out.nodes[1];
    expect(hidden.shape).toEqual([4, 3]);
    expect(hidden.output).toHaveLength(12);
    expect(hidden.grad).toHaveLength(12);
    const w = out.params['hidden.W'];
    expect(w.shape).toEqual([2, 3]);
    for (const k of ['value', 'grad', 'next']) expect(w[k]).toHaveLength(6);
    expect(w.next).not.toEqual(w.value);
    await expect(run(process.execPath, [bin, 'step', 'x4-relu-hidden'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/add --json/),
    });
  }, 60_000);
});

describe('step trace', () => {
  it("is the first step training takes: the same loss and updated weights as the trainer's first batch", async () => {
    const t = getTemplate('x4-relu-hidden');
    const config = makeTrainConfig({ ...t.training, batchSize: 16 });
    const model = new CompiledModel(t.graph);
    const weights = initWeights(model.forward.params, new SeededRng(config.seed));
    const data = getBuiltinDataset('x4-l-shape', {});
    const { Trainer } = await import('../../../src-engine/train/trainer.ts');
    const trainer = new Trainer({ graph: t.graph, model, config, train: data, initialWeights: weights });
    const trace = traceStep({ graph: t.graph, config, weights, batch: trainer.firstBatch() });
    const gen = trainer.run();
    for await (const e of gen) {
      if (e.type === 'start') {
        trainer.stepOnce();
        continue;
      }
      if (e.type === 'paused') break;
    }
    const after = await trainer.backend.getWeights();
    for (const [name, p] of Object.entries(trace.params)) close(name, Array.from(after.get(name)!.data), p.next);
    expect(trace.loss).toBeGreaterThan(0);
    trainer.stop();
    await gen.return(undefined);
  });
});
