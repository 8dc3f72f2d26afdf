/** Comparing two projects: settings by config key, architecture, metrics, weights; the CLI's JSON and exit codes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffProjects } from '../../../src-engine/lab/diff.ts';
import { newProject } from '../../../src-engine/train/templates.ts';

const run = promisify(execFile);

describe('project diff', () => {
  it('names each changed setting by its config key and each layer change', () => {
    const a = newProject('x4-relu-hidden');
    const b = structuredClone(a);
    b.training.optimizer.lr = 0.05;
    b.training.optimizer.name = 'sgd';
    b.training.batchSize = 64;
    const hidden = b.graph.nodes.find((n) => n.type === 'Dense')!;
    hidden.params.units = 7;
    b.graph.nodes.push({ id: 'drop', type: 'Dropout', params: { rate: 0.1 }, position: { x: 0, y: 0 } });
    b.graph.edges.push({ id: 'e9', source: hidden.id, target: 'drop' });
    const d = diffProjects(a, b);
    expect(d.settings.map((s) => s.key).sort()).toEqual(['batchSize', 'lr', 'optimizer.name']);
    expect(d.settings.find((s) => s.key === 'lr')).toEqual({ key: 'lr', a: a.training.optimizer.lr, b: 0.05 });
    expect(d.architecture.added.map((n) => n.id)).toEqual(['drop']);
    expect(d.architecture.changed).toHaveLength(1);
    expect(d.architecture.changed[0]!.params).toEqual([{ name: 'units', a: 3, b: 7 }]);
    expect(d.architecture.edgesAdded).toEqual([[hidden.id, 'drop']]);
    expect(d.same).toBe(false);
    expect(diffProjects(a, structuredClone(a)).same).toBe(true);
  });

  it('measures how far each parameter moved', () => {
    const a = { ...newProject('from-scratch'), weights: { 'o.W': { shape: [2, 1], data: [1, -1] } } };
    const b = { ...a, weights: { 'o.W': { shape: [2, 1], data: [1.5, -1] } } };
    const [w] = diffProjects(a, b).weights;
    expect(w!.maxChange).toBe(0.5);
    expect(w!.rmsChange).toBeCloseTo(Math.sqrt(0.125), 12);
    expect(w!.relative).toBeCloseTo(Math.sqrt(0.125), 12);
  });

  it('netwright diff --json names the changed key lr; exit 0 when equal, 1 when not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-diff-'));
    const a = newProject('circle');
    const b = structuredClone(a);
    b.training.optimizer.lr = 0.5;
    writeFileSync(path.join(dir, 'a.netwright'), JSON.stringify(a));
    writeFileSync(path.join(dir, 'b.netwright'), JSON.stringify(b));
    const cli = (args: string[]) =>
      run(process.execPath, [path.resolve('bin/netwright.mjs'), 'diff', ...args], { cwd: dir }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const differ = await cli(['a.netwright', 'b.netwright', '--json']);
    expect(differ.code).toBe(1);
    expect(JSON.parse(differ.out).settings).toEqual([{ key: 'lr', a: a.training.optimizer.lr, b: 0.5 }]);
    const same = await cli(['a.netwright', 'a.netwright']);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/no differences/);
  });
});
