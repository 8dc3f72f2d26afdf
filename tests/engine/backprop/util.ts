/** Shared helpers of the backprop tests: graph documents from a compact description, seeded values. */
import { parseGraph, type GraphDoc, type ParamValue } from '../../../src-engine/graph/document.ts';
import type { LayerType } from '../../../src-engine/graph/catalog.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';

export type NodeSpec = [id: string, type: LayerType, params?: Record<string, ParamValue>];

/** A parsed graph (catalog defaults filled in) from nodes and [source, target] edges; throws if invalid. */
export function makeGraph(nodes: NodeSpec[], edges: [string, string][]): GraphDoc {
  const res = parseGraph({
    format: 'netwright-graph',
    version: 1,
    nodes: nodes.map(([id, type, params]) => ({ id, type, params: params ?? {}, position: { x: 0, y: 0 } })),
    edges: edges.map(([source, target]) => ({ source, target })),
  });
  if (!res.ok) throw new Error(res.problems.map((p) => p.message).join(' '));
  return res.graph;
}

/** A chain Input → layers… → Output (`input` overrides the Input's params, e.g. an image shape). */
export function chain(
  features: number,
  layers: NodeSpec[],
  output: Record<string, ParamValue>,
  input: Record<string, ParamValue> = { features },
): GraphDoc {
  const nodes: NodeSpec[] = [['in', 'Input', input], ...layers, ['out', 'Output', output]];
  const edges: [string, string][] = [];
  for (let i = 1; i < nodes.length; i++) edges.push([nodes[i - 1]![0], nodes[i]![0]]);
  return makeGraph(nodes, edges);
}

/** n standard-normal values times `scale`, from a fixed seed. */
export function normals(rng: SeededRng, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => rng.normal() * scale);
}
