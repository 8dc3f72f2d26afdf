import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src-engine/graph/validate.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, parseGraph, type GraphDoc } from '../../src-engine/graph/document.ts';
import {
  addEdge,
  addNode,
  copyFragment,
  moveNodes,
  pasteFragment,
  removeElements,
  setLabel,
  setParam,
} from '../../renderer/src/lib/graph-edits.ts';
import { flowPositions, graphToFlow, idSet } from '../../renderer/src/lib/flow-mapping.ts';
import { autoLayout } from '../../renderer/src/lib/layout.ts';

const empty = (): GraphDoc => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] });

/** Input(784) -> Dense(15) -> Output(10), built the way the editor builds it. */
function mlp(): GraphDoc {
  let g = empty();
  for (const [type, x] of [
    ['Input', 0],
    ['Dense', 250],
    ['Output', 500],
  ] as const)
    g = addNode(g, type, { x, y: 10 }).graph;
  g = addEdge(g, 'input1', 'dense1');
  g = addEdge(g, 'dense1', 'output1');
  g = setParam(g, 'input1', 'features', 784);
  g = setParam(g, 'dense1', 'units', 15);
  return setParam(g, 'output1', 'units', 10);
}

describe('graph edits', () => {
  it('builds 784-15-10 with 11,935 parameters', () => {
    const g = mlp();
    expect(g.nodes.map((n) => n.id)).toEqual(['input1', 'dense1', 'output1']);
    const a = analyzeGraph(g);
    expect(a.totalParams).toBe(11_935);
    expect(a.info.dense1).toEqual({ shape: [15], outputSize: 15, params: 11_775 });
    expect(a.info.output1).toEqual({ shape: [10], outputSize: 10, params: 160 });
  });

  it('never mutates the graph it is given', () => {
    const g = mlp();
    const before = JSON.stringify(g);
    setParam(g, 'dense1', 'units', 3);
    removeElements(g, ['dense1'], []);
    moveNodes(g, new Map([['dense1', { x: 1, y: 2 }]]));
    setLabel(g, 'dense1', 'hidden');
    expect(JSON.stringify(g)).toBe(before);
  });

  it('removing a node removes its edges', () => {
    const g = removeElements(mlp(), ['dense1'], []);
    expect(g.nodes.map((n) => n.id)).toEqual(['input1', 'output1']);
    expect(g.edges).toEqual([]);
    const h = removeElements(mlp(), [], ['input1->dense1']);
    expect(h.edges.map((e) => e.id)).toEqual(['dense1->output1']);
  });

  it('a move that changes nothing returns the same graph (no undo step for a click)', () => {
    const g = mlp();
    expect(moveNodes(g, new Map([['dense1', { x: 250.2, y: 9.8 }]]))).toBe(g);
    expect(moveNodes(g, new Map([['dense1', { x: 300, y: 10 }]])).nodes[1]!.position).toEqual({ x: 300, y: 10 });
  });

  it('paste gives fresh ids and keeps inner edges', () => {
    const g = mlp();
    const frag = copyFragment(g, ['dense1', 'output1']);
    expect(frag.edges.map((e) => e.id)).toEqual(['dense1->output1']);
    const r = pasteFragment(g, frag, { x: 40, y: 40 });
    expect(r.ids).toEqual(['dense2', 'output2']);
    expect(r.graph.edges.at(-1)).toMatchObject({ source: 'dense2', target: 'output2' });
    // 40 px down and right would cover the originals: the copies move on to the nearest free row.
    const pos = r.graph.nodes.find((n) => n.id === 'dense2')!.position;
    expect(pos.x).toBe(290);
    expect(pos.y - 10).toBeGreaterThanOrEqual(96);
    expect(r.graph.nodes.find((n) => n.id === 'dense2')!.params.units).toBe(15);
  });

  it('labels are set and cleared', () => {
    const g = setLabel(mlp(), 'dense1', 'hidden');
    expect(g.nodes[1]!.label).toBe('hidden');
    expect('label' in setLabel(g, 'dense1', '  ').nodes[1]!).toBe(false);
  });
});

describe('graph <-> canvas mapping', () => {
  it('maps nodes and edges with shapes, parameter counts and selection', () => {
    const g = mlp();
    const { nodes, edges } = graphToFlow(g, analyzeGraph(g), idSet(['dense1']));
    expect(nodes).toHaveLength(3);
    const dense = nodes[1]!;
    expect(dense).toMatchObject({ id: 'dense1', type: 'layer', position: { x: 250, y: 10 }, selected: true });
    expect(dense.data).toMatchObject({
      layerType: 'Dense',
      outputSize: 15,
      paramCount: 11_775,
      summary: '15 units · relu',
      hasError: false,
      acceptsInput: true,
      hasOutput: true,
    });
    expect(nodes[0]!.data.acceptsInput).toBe(false);
    expect(nodes[2]!.data.hasOutput).toBe(false);
    expect(edges).toEqual([
      { id: 'input1->dense1', source: 'input1', target: 'dense1', selected: false },
      { id: 'dense1->output1', source: 'dense1', target: 'output1', selected: false },
    ]);
  });

  it('keeps measured sizes from the previous canvas nodes and flags nodes with errors', () => {
    const g = removeElements(mlp(), [], ['dense1->output1']);
    const first = graphToFlow(g, analyzeGraph(g), idSet());
    const measured = first.nodes.map((n) => ({ ...n, measured: { width: 180, height: 70 } }));
    const again = graphToFlow(g, analyzeGraph(g), idSet(), measured);
    expect(again.nodes[0]!.measured).toEqual({ width: 180, height: 70 });
    // dense1's output is unused and output1 has no input.
    expect(again.nodes.map((n) => n.data.hasError)).toEqual([false, true, true]);
  });

  it('round-trips: canvas positions written back give the same graph document', () => {
    const g = mlp();
    const { nodes } = graphToFlow(g, analyzeGraph(g), idSet());
    const back = moveNodes(g, flowPositions(nodes));
    expect(back).toBe(g);
    const parsed = parseGraph(JSON.parse(JSON.stringify(back)));
    expect(parsed.ok && parsed.graph).toEqual(g);
  });

  it('auto layout puts Input, Dense, Output left to right', () => {
    const pos = autoLayout(mlp());
    expect(pos.get('input1')!.x).toBeLessThan(pos.get('dense1')!.x);
    expect(pos.get('dense1')!.x).toBeLessThan(pos.get('output1')!.x);
    expect(pos.get('input1')!.y).toBeCloseTo(pos.get('output1')!.y, 5);
  });
});
