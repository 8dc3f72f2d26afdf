/** Automatic layout with dagre: layers flow left to right from Input to Output. */
import dagre from '@dagrejs/dagre';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { NODE_BOX } from './graph-edits.ts';

const NODE_W = NODE_BOX.w;
const NODE_H = NODE_BOX.h;

/** New positions for every node of the graph. */
export function autoLayout(graph: GraphDoc): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const p = g.node(n.id);
    // dagre gives centres; Svelte Flow positions are top-left corners.
    out.set(n.id, { x: p.x - NODE_W / 2, y: p.y - NODE_H / 2 });
  }
  return out;
}
