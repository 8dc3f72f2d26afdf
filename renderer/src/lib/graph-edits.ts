/** Pure edits of a graph document: each takes a graph and returns a new one (the undo history keeps the old). */
import { defaultParams, LAYER_CATALOG, type LayerType } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc, GraphEdge, GraphNode, ParamValue } from '../../../src-engine/graph/document.ts';

/** The room a layer takes on the canvas (its box is at most this big), and the gap kept around it. */
export const NODE_BOX = { w: 200, h: 96 } as const;
const GAP = 24;
type Point = { x: number; y: number };

function overlaps(a: Point, b: Point): boolean {
  return Math.abs(a.x - b.x) < NODE_BOX.w + GAP && Math.abs(a.y - b.y) < NODE_BOX.h + GAP;
}

/**
 * Where to put boxes at `want` (shifted together by one offset) so that none covers a layer already
 * there: `want` itself when free, else the nearest free offset on rings of growing size around it.
 */
export function freeOffset(graph: GraphDoc, want: readonly Point[]): Point {
  const taken = graph.nodes.map((n) => n.position);
  const free = (dx: number, dy: number) =>
    want.every((w) => taken.every((t) => !overlaps({ x: w.x + dx, y: w.y + dy }, t)));
  const step = { x: (NODE_BOX.w + GAP) / 2, y: (NODE_BOX.h + GAP) / 2 };
  for (let r = 0; r <= 60; r++) {
    // Ring r: the cells at Chebyshev distance r, nearest (by Euclid) first; below/right before above/left.
    const ring: Point[] = [];
    for (let i = -r; i <= r; i++)
      for (let j = -r; j <= r; j++) if (Math.max(Math.abs(i), Math.abs(j)) === r) ring.push({ x: i, y: j });
    ring.sort((a, b) => a.x * a.x + a.y * a.y - (b.x * b.x + b.y * b.y) || b.y - a.y || b.x - a.x);
    for (const c of ring) if (free(c.x * step.x, c.y * step.y)) return { x: c.x * step.x, y: c.y * step.y };
  }
  // A canvas this full has room below everything.
  return { x: 0, y: Math.max(...taken.map((t) => t.y)) + NODE_BOX.h + GAP - Math.min(...want.map((w) => w.y)) };
}

/** The nearest position to `want` where a new layer covers none already there. */
export function freePosition(graph: GraphDoc, want: Point): Point {
  const d = freeOffset(graph, [want]);
  return { x: want.x + d.x, y: want.y + d.y };
}

/** A display name not used by another layer: 'encoder' → 'encoder 2' when 'encoder' is taken. */
export function uniqueLabel(graph: GraphDoc, label: string, taken: Set<string> = new Set()): string {
  const used = new Set([...graph.nodes.map((n) => n.label ?? n.id), ...taken]);
  if (!used.has(label)) return label;
  const base = label.replace(/ \d+$/, '');
  for (let i = 2; ; i++) if (!used.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** Layer types that can sit on an edge (one input, an output): Dense, Dropout, activations. */
export const INSERTABLE: readonly LayerType[] = LAYER_CATALOG.filter(
  (s) => s.inputs.min <= 1 && s.inputs.max >= 1 && s.hasOutput,
).map((s) => s.type);

/** A fresh id for a new node of a type: 'dense1', 'dense2', ... skipping ids in use. */
export function freshNodeId(graph: GraphDoc, type: LayerType, taken: Set<string> = new Set()): string {
  const used = new Set([...graph.nodes.map((n) => n.id), ...taken]);
  const base = type.toLowerCase();
  for (let i = 1; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** Add a layer with the catalog defaults at a position (the caller picks a free one, see freePosition). */
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

/**
 * Paste a fragment with fresh ids and unique names, shifted by `offset` and then on to the nearest
 * place where it covers no layer; returns the new graph and the pasted ids.
 */
export function pasteFragment(
  graph: GraphDoc,
  frag: Fragment,
  offset: { x: number; y: number },
): { graph: GraphDoc; ids: string[] } {
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  const labels = new Set<string>();
  for (const n of frag.nodes) {
    const id = freshNodeId(graph, n.type, taken);
    taken.add(id);
    rename.set(n.id, id);
  }
  const want = frag.nodes.map((n) => ({ x: n.position.x + offset.x, y: n.position.y + offset.y }));
  const free = freeOffset(graph, want);
  const nodes = frag.nodes.map((n, i): GraphNode => {
    const { label, ...rest } = structuredClone(n);
    const copy: GraphNode = {
      ...rest,
      id: rename.get(n.id)!,
      position: { x: Math.round(want[i]!.x + free.x), y: Math.round(want[i]!.y + free.y) },
    };
    if (label === undefined) return copy;
    const unique = uniqueLabel(graph, label, labels);
    labels.add(unique);
    return { ...copy, label: unique };
  });
  let next: GraphDoc = { ...graph, nodes: [...graph.nodes, ...nodes] };
  for (const e of frag.edges) next = addEdge(next, rename.get(e.source)!, rename.get(e.target)!);
  return { graph: next, ids: nodes.map((n) => n.id) };
}

/**
 * Put a new layer of `type` on an edge: source → new → target. It goes half-way between the two
 * layers when there is room; otherwise the target and everything after it move right to make room.
 * Returns null when the edge is gone or the type cannot sit on an edge.
 */
export function insertOnEdge(graph: GraphDoc, edgeId: string, type: LayerType): { graph: GraphDoc; id: string } | null {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge || !INSERTABLE.includes(type)) return null;
  const s = graph.nodes.find((n) => n.id === edge.source)!;
  const t = graph.nodes.find((n) => n.id === edge.target)!;
  const mid = { x: (s.position.x + t.position.x) / 2, y: (s.position.y + t.position.y) / 2 };
  let base: GraphDoc = { ...graph, edges: graph.edges.filter((e) => e.id !== edgeId) };
  let at = mid;
  if (freeOffset(base, [mid]).x !== 0 || freeOffset(base, [mid]).y !== 0) {
    // No room between them: shift the target and its descendants right by one layer's width.
    const after = new Set([t.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const e of base.edges)
        if (after.has(e.source) && !after.has(e.target) && e.target !== s.id) {
          after.add(e.target);
          grew = true;
        }
    }
    const dx = NODE_BOX.w + 2 * GAP;
    base = moveNodes(
      base,
      new Map(
        [...after].map((id) => {
          const p = graph.nodes.find((n) => n.id === id)!.position;
          return [id, { x: p.x + dx, y: p.y }];
        }),
      ),
    );
    at = freePosition(base, { x: t.position.x, y: t.position.y });
  }
  const added = addNode(base, type, at);
  // The new edges take the old one's place in the list, so a merge layer keeps its input order.
  const i = graph.edges.indexOf(edge);
  let next = addEdge(addEdge(added.graph, edge.source, added.id), added.id, edge.target);
  const [inEdge, outEdge] = next.edges.slice(-2) as [GraphEdge, GraphEdge];
  const rest = next.edges.slice(0, -2);
  next = { ...next, edges: [...rest.slice(0, i), inEdge, outEdge, ...rest.slice(i)] };
  return { graph: next, id: added.id };
}
