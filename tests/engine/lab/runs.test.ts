/**
 * A project's saved runs offered for comparison: two real runs trained by the CLI into one project
 * file, read back as runs to compare; each keeps its own settings, network and curve, only the last
 * has weights, and what a run lacks is said. Their diff names the changed learning rate and the
 * widened layer, compares the final metrics of each run and no weights.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffProjects } from '../../../src-engine/lab/diff.ts';
import { savedRuns } from '../../../src-engine/lab/runs.ts';
import { parseProject, type Project } from '../../../src-engine/project/project.ts';

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [path.resolve('bin/netwright.mjs'), ...args], { timeout: 60_000 });

async function twoRuns(): Promise<Project> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-runs-'));
  await cli(['train', 'circle', '--epochs', '3', '--lr', '0.03', '--out', dir]);
  const file = path.join(dir, 'circle.netwright');
  // A wider first hidden layer for the second run: the architecture diff must see it.
  const first = JSON.parse(readFileSync(file, 'utf8')) as Project;
  const dense = first.graph.nodes.find((n) => n.type === 'Dense')!;
  dense.params.units = Number(dense.params.units) + 2;
  // Its weights no longer fit: the second run starts from the seed.
  delete first.weights;
  delete first.checkpoints;
  writeFileSync(file, JSON.stringify(first));
  await cli(['train', file, '--epochs', '4', '--lr', '0.2', '--out', dir]);
  return parseProject(readFileSync(file, 'utf8'));
}

describe('saved runs', () => {
  it('every recorded run becomes a run to compare; only the last has weights; what is missing is said', async () => {
    const project = await twoRuns();
    expect(project.runs).toHaveLength(2);
    const runs = savedRuns(project);
    expect(runs.map((r) => r.id)).toEqual(project.runs.map((r) => r.id));
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.project.training.optimizer.lr).toBe(0.03);
    expect(b.project.training.optimizer.lr).toBe(0.2);
    expect(a.label).toMatch(/^saved run 1 \(\d{4}-\d\d-\d\d \d\d:\d\d\): sgd, lr 0\.03, 3 epochs$/);
    expect(b.label).toMatch(/^saved run 2 .*lr 0\.2, 4 epochs$/);
    // Each run's own record: its curve and its network.
    expect(a.project.runs).toEqual([project.runs[0]]);
    expect(a.project.runs[0]!.epochs).toHaveLength(3);
    expect(b.project.runs[0]!.epochs).toHaveLength(4);
    // Each run's own network: the first trained the narrower layer.
    expect(b.project.graph).toEqual(project.graph);
    expect(a.project.graph).not.toEqual(project.graph);
    // Weights: the project keeps the last run's only; checkpoints stay out of the comparison.
    expect(a.project.weights).toBeUndefined();
    expect(b.project.weights).toEqual(project.weights);
    expect(a.project.checkpoints).toBeUndefined();
    expect(a.missing).toEqual([expect.stringMatching(/weights were not kept .* only its last run's weights/)]);
    expect(b.missing).toEqual([]);

    const d = diffProjects(a.project, b.project);
    expect(d.settings.map((s) => s.key)).toEqual(['epochs', 'lr']);
    expect(d.settings.find((s) => s.key === 'lr')).toEqual({ key: 'lr', a: 0.03, b: 0.2 });
    expect(d.architecture.changed).toHaveLength(1);
    expect(d.architecture.changed[0]!.params[0]!.name).toBe('units');
    expect(d.weights).toEqual([]);
    const loss = d.metrics.find((m) => m.key === 'loss')!;
    expect(loss.a).toBe(project.runs[0]!.final!.loss);
    expect(loss.b).toBe(project.runs[1]!.final!.loss);
    expect(loss.a).not.toBe(loss.b);
  }, 90_000);

  it('a run saved before runs kept their network says the project network stands in; unreadable settings too', () => {
    const base = {
      format: 'netwright-project',
      version: 1,
      graph: { format: 'netwright-graph', version: 1, nodes: [], edges: [] },
      training: {},
    };
    const project = parseProject({
      ...base,
      runs: [
        { id: 'r1', startedAt: '2026-01-02T03:04:05.000Z', config: { epochs: -3 }, epochs: [] },
        { id: 'r2', startedAt: '2026-01-02T04:04:05.000Z', config: { epochs: 2 }, epochs: [{ epoch: 1, loss: 1 }] },
      ],
    });
    const [old, last] = savedRuns(project);
    expect(old!.missing).toHaveLength(4);
    expect(old!.missing[0]).toMatch(/settings could not be read/);
    expect(old!.missing[1]).toMatch(/network was not saved with it \(an older file\)/);
    expect(old!.missing[3]).toMatch(/no epochs/);
    expect(old!.project.training).toEqual(project.training);
    expect(last!.project.training.epochs).toBe(2);
    expect(last!.missing).toEqual([
      expect.stringMatching(/network was not saved with it; the project's network/),
      expect.stringMatching(/no weights saved/),
    ]);
  });
});
