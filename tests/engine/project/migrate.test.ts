import { describe, expect, it } from 'vitest';
import { parseProject, ProjectError, PROJECT_VERSION } from '../../../src-engine/project/project.ts';
import { migrateProject } from '../../../src-engine/project/migrate.ts';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';

/** A version-0 project: layers and connections inline, positions as x/y. */
const v0 = {
  format: 'netwright-project',
  version: 0,
  name: 'Old MLP',
  layers: [
    { id: 'in', type: 'Input', params: { features: 784 }, x: 0, y: 40 },
    { id: 'h', type: 'Dense', params: { units: 15 }, x: 250, y: 40 },
    { id: 'out', type: 'Output', params: { units: 10, activation: 'softmax', loss: 'cce' }, x: 500, y: 40 },
  ],
  connections: [
    { from: 'in', to: 'h' },
    { from: 'h', to: 'out' },
  ],
  training: { epochs: 5 },
};

describe('project schema migration', () => {
  it('opens a version 0 project as version 1 with the same network', () => {
    const p = parseProject(JSON.stringify(v0), 'old.netwright');
    expect(p.version).toBe(PROJECT_VERSION);
    expect(p.name).toBe('Old MLP');
    expect(p.graph.nodes.map((n) => [n.id, n.type, n.position])).toEqual([
      ['in', 'Input', { x: 0, y: 40 }],
      ['h', 'Dense', { x: 250, y: 40 }],
      ['out', 'Output', { x: 500, y: 40 }],
    ]);
    expect(p.graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['in->h', 'h->out']);
    expect(p.training.epochs).toBe(5);
    expect(analyzeGraph(p.graph).totalParams).toBe(11_935);
    expect('layers' in p).toBe(false);
  });

  it('leaves current projects unchanged', () => {
    const cur = { format: 'netwright-project', version: 1, graph: {} };
    expect(migrateProject(cur, 1)).toBe(cur);
    expect(migrateProject('text', 1)).toBe('text');
  });

  it('gives clear messages for newer, corrupt and damaged files', () => {
    expect(() => parseProject(JSON.stringify({ ...v0, version: 99 }), 'new.netwright')).toThrow(
      /new\.netwright was saved by a newer Netwright \(project version 99/,
    );
    expect(() => parseProject('{"format": "netwright-project", "vers', 'cut.netwright')).toThrow(ProjectError);
    expect(() => parseProject('{"format": "netwright-project", "vers', 'cut.netwright')).toThrow(
      /cut\.netwright is not a Netwright project: it is not valid JSON/,
    );
    expect(() => parseProject('{"hello": 1}', 'other.json')).toThrow(/other\.json is not a Netwright project/);
    const bad = { ...v0, layers: [{ id: 'in', type: 'Conv9D', x: 0, y: 0 }], connections: [] };
    expect(() => parseProject(bad, 'bad.netwright')).toThrow(/bad\.netwright is damaged: graph\.nodes\.0\.type/);
  });
});
