/** Pure edits of a graph document: each takes a graph and returns a new one (the undo history keeps the old). */
import { defaultParams, type LayerType } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc, GraphEdge, GraphNode, ParamValue } from '../../../src-engine/graph/document.ts';

/** A fresh id for a new node of a type: 'dense1', 'dense2', ... skipping ids in use. */
export function freshNodeId(graph: GraphDoc, type: LayerType, taken: Set<string> = new Set()): string {
  const used = new Set([...graph.nodes.map((n) => n.id), ...taken]);
  const base = type.toLowerCase();
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** Add a layer with the catalog defaults at a position. */
export function addNode(
  graph: GraphDoc,
  type: LayerType,
  position: { x: number; y: number },
): { graph: GraphDoc; id: string } {
  const id = freshNodeId(graph, type);
  const node: GraphNode = {
    id,
    type,
    params: defaultParams(type),
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

/** Connect source → target (the caller has checked connectionProblem). */
export function addEdge(graph: GraphDoc, source: string, target: string): GraphDoc {
  const taken = new Set(graph.edges.map((e) => e.id));
  let id = `${source}->${target}`;
  for (let i = 2; taken.has(id); i++) id = `${source}->${target}#${i}`;
  return { ...graph, edges: [...graph.edges, { id, source, target }] };
}

/** Remove nodes (with their edges) and edges. */
export function removeElements(graph: GraphDoc, nodeIds: Iterable<string>, edgeIds: Iterable<string>): GraphDoc {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !nodes.has(n.id)),
    edges: graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
  };
}

/** Move nodes; unchanged when no position differs (so a click is not an undo step). */
export function moveNodes(graph: GraphDoc, moves: ReadonlyMap<string, { x: number; y: number }>): GraphDoc {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = moves.get(n.id);
    if (!p) return n;
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (x === n.position.x && y === n.position.y) return n;
    changed = true;
    return { ...n, position: { x, y } };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Set one parameter of a node. */
export function setParam(graph: GraphDoc, nodeId: string, name: string, value: ParamValue): GraphDoc {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, [name]: value } } : n)),
  };
}

/** Set (or clear, with an empty string) a node's display name. */
export function setLabel(graph: GraphDoc, nodeId: string, label: string): GraphDoc {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const { label: _old, ...rest } = n;
      return label.trim() ? { ...rest, label } : rest;
    }),
  };
}

/** Nodes and the edges among them, as copied to the clipboard. */
export interface Fragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Copy the given nodes and the edges between them. */
export function copyFragment(graph: GraphDoc, nodeIds: Iterable<string>): Fragment {
  const ids = new Set(nodeIds);
  return {
    nodes: structuredClone(graph.nodes.filter((n) => ids.has(n.id))),
    edges: structuredClone(graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target))),
  };
}

/** Paste a fragment with fresh ids, shifted by `offset`; returns the new graph and the pasted ids. */
export function pasteFragment(
  graph: GraphDoc,
  frag: Fragment,
  offset: { x: number; y: number },
): { graph: GraphDoc; ids: string[] } {
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  for (const n of frag.nodes) {
    const id = freshNodeId(graph, n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const nodes = frag.nodes.map((n) => ({
    ...structuredClone(n),
    id: rename.get(n.id)!,
    position: { x: n.position.x + offset.x, y: n.position.y + offset.y },
  }));
  let next: GraphDoc = { ...graph, nodes: [...graph.nodes, ...nodes] };
  for (const e of frag.edges) next = addEdge(next, rename.get(e.source)!, rename.get(e.target)!);
  return { graph: next, ids: nodes.map((n) => n.id) };
}
