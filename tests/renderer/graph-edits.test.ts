/** Placement of new and pasted layers, unique pasted names, and a layer inserted on an edge. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeGraph } from '../../src-engine/graph/validate.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src-engine/graph/document.ts';
import {
  NODE_BOX,
  addEdge,
  addNode,
  copyFragment,
  freePosition,
  insertOnEdge,
  pasteFragment,
  setLabel,
  uniqueLabel,
} from '../../renderer/src/lib/graph-edits.ts';

const empty = (): GraphDoc => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] });
const covers = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.abs(a.x - b.x) < NODE_BOX.w && Math.abs(a.y - b.y) < NODE_BOX.h;

function chain(): GraphDoc {
  let g = empty();
  g = addNode(g, 'Input', { x: 0, y: 0 }).graph;
  g = addNode(g, 'Dense', { x: 300, y: 0 }).graph;
  g = addNode(g, 'Output', { x: 600, y: 0 }).graph;
  g = addEdge(g, 'input1', 'dense1');
  return addEdge(g, 'dense1', 'output1');
}

describe('placing layers where nothing else is', () => {
  it('keeps a free spot, and moves off an occupied one to the nearest free place', () => {
    const g = chain();
    expect(freePosition(g, { x: 0, y: 400 })).toEqual({ x: 0, y: 400 });
    const p = freePosition(g, { x: 310, y: 10 });
    for (const n of g.nodes) expect(covers(p, n.position)).toBe(false);
    // Nearest: one row below or above the chain, not far away.
    expect(Math.hypot(p.x - 310, p.y - 10)).toBeLessThan(NODE_BOX.h * 2 + 60);
  });

  it('never covers a layer, for any canvas (property, 300 canvases)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: -800, max: 800 }), y: fc.integer({ min: -600, max: 600 }) }), {
          maxLength: 25,
        }),
        fc.record({ x: fc.integer({ min: -800, max: 800 }), y: fc.integer({ min: -600, max: 600 }) }),
        (spots, want) => {
          let g = empty();
          for (const s of spots) g = addNode(g, 'Dense', s).graph;
          const p = freePosition(g, want);
          for (const n of g.nodes) if (covers(p, n.position)) return false;
          checked++;
          return true;
        },
      ),
      { numRuns: 300, seed: 7 },
    );
    expect(checked).toBe(300);
  });
});

describe('pasting', () => {
  it('places the copy beside the original and makes names unique', () => {
    let g = setLabel(chain(), 'dense1', 'encoder');
    const frag = copyFragment(g, ['dense1', 'output1']);
    const r = pasteFragment(g, frag, { x: 40, y: 40 });
    g = r.graph;
    expect(r.ids).toEqual(['dense2', 'output2']);
    const pasted = g.nodes.filter((n) => r.ids.includes(n.id));
    expect(pasted.map((n) => n.label)).toEqual(['encoder 2', undefined]);
    for (const p of pasted)
      for (const n of g.nodes.filter((x) => !r.ids.includes(x.id))) expect(covers(p.position, n.position)).toBe(false);
    // The copies keep their relative placement.
    expect(pasted[1]!.position.x - pasted[0]!.position.x).toBe(300);
    expect(g.edges.map((e) => e.id)).toContain('dense2->output2');
    // A second paste: 'encoder 3'.
    const again = pasteFragment(g, frag, { x: 80, y: 80 });
    expect(again.graph.nodes.find((n) => n.id === 'dense3')!.label).toBe('encoder 3');
  });

  it('numbers names past those in use', () => {
    let g = setLabel(chain(), 'dense1', 'encoder');
    g = setLabel(g, 'output1', 'encoder 2');
    expect(uniqueLabel(g, 'encoder')).toBe('encoder 3');
    expect(uniqueLabel(g, 'decoder')).toBe('decoder');
    // Unnamed layers show their id.
    expect(uniqueLabel(g, 'input1')).toBe('input1 2');
  });
});

describe('inserting a layer on an edge', () => {
  it('puts it between the two layers and keeps the network valid', () => {
    const r = insertOnEdge(chain(), 'dense1->output1', 'Dropout')!;
    expect(r.id).toBe('dropout1');
    expect(r.graph.edges.map((e) => e.id)).toEqual(['input1->dense1', 'dense1->dropout1', 'dropout1->output1']);
    const node = r.graph.nodes.find((n) => n.id === 'dropout1')!;
    for (const n of r.graph.nodes.filter((x) => x.id !== 'dropout1'))
      expect(covers(node.position, n.position)).toBe(false);
    const a = analyzeGraph(r.graph);
    expect(a.ok).toBe(true);
    expect(a.info.dropout1!.outputSize).toBe(8);
  });

  it('puts it half-way when there is room', () => {
    let g = chain();
    g = { ...g, nodes: g.nodes.map((n) => (n.id === 'output1' ? { ...n, position: { x: 900, y: 0 } } : n)) };
    const r = insertOnEdge(g, 'dense1->output1', 'Dense')!;
    expect(r.graph.nodes.find((n) => n.id === r.id)!.position).toEqual({ x: 600, y: 0 });
    expect(r.graph.nodes.find((n) => n.id === 'output1')!.position).toEqual({ x: 900, y: 0 });
  });

  it('refuses types that cannot sit on an edge, and edges that are gone', () => {
    expect(insertOnEdge(chain(), 'dense1->output1', 'Input')).toBeNull();
    expect(insertOnEdge(chain(), 'dense1->output1', 'Output')).toBeNull();
    expect(insertOnEdge(chain(), 'nope', 'Dense')).toBeNull();
  });
});
