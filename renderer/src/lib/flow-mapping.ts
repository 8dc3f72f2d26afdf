/**
 * Graph document <-> Svelte Flow: the graph is the source of truth; the canvas shows nodes and edges
 * made from it, keeping what the canvas itself owns (measured size, selection) from its last state.
 */
import type { Edge, Node } from '@xyflow/svelte';
import { layerSpec, layerSummary, type LayerType } from '../../../src-engine/graph/catalog.ts';
import type { GraphDoc, GraphNode, ParamValue } from '../../../src-engine/graph/document.ts';
import type { GraphAnalysis } from '../../../src-engine/graph/validate.ts';

export interface LayerNodeData extends Record<string, unknown> {
  layerType: LayerType;
  title: string;
  params: Record<string, ParamValue>;
  summary: string;
  outputSize: number | null;
  /** Per-sample output shape ([features] or [channels, height, width]), null when unknown. */
  outputShape: readonly number[] | null;
  paramCount: number;
  hasError: boolean;
  acceptsInput: boolean;
  hasOutput: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type LayerFlowEdge = Edge;

/** A short line describing a layer's key parameters (each layer type writes its own). */
export function summarize(n: GraphNode): string {
  return layerSummary(n);
}

/** Flow nodes and edges for a graph, its analysis and the current selection. */
export function graphToFlow(
  graph: GraphDoc,
  analysis: GraphAnalysis,
  selected: ReadonlySet<string>,
  previous: readonly LayerFlowNode[] = [],
): { nodes: LayerFlowNode[]; edges: LayerFlowEdge[] } {
  const prev = new Map(previous.map((n) => [n.id, n]));
  const errorIds = new Set(analysis.problems.filter((p) => p.severity === 'error').flatMap((p) => p.nodeIds));
  const nodes = graph.nodes.map((n): LayerFlowNode => {
    const spec = layerSpec(n.type);
    const info = analysis.info[n.id];
    const old = prev.get(n.id);
    return {
      id: n.id,
      type: 'layer',
      position: { ...n.position },
      selected: selected.has(n.id),
      ...(old?.measured ? { measured: old.measured } : {}),
      data: {
        layerType: n.type,
        title: n.label ?? n.id,
        params: n.params,
        summary: summarize(n),
        outputSize: info?.outputSize ?? null,
        outputShape: info?.shape ?? null,
        paramCount: info?.params ?? 0,
        hasError: errorIds.has(n.id),
        acceptsInput: spec.inputs.max > 0,
        hasOutput: spec.hasOutput,
      },
    };
  });
  const edges = graph.edges.map((e): LayerFlowEdge => ({
    id: e.id,
    source: e.source,
    target: e.target,
    selected: selected.has(e.id),
  }));
  return { nodes, edges };
}

/** Positions of flow nodes, to write back into the graph after a drag. */
export function flowPositions(nodes: readonly Pick<Node, 'id' | 'position'>[]): Map<string, { x: number; y: number }> {
  return new Map(nodes.map((n) => [n.id, n.position]));
}

/** An immutable set of ids (selection snapshots are replaced, never mutated). */
export function idSet(ids: Iterable<string> = []): ReadonlySet<string> {
  return new Set(ids);
}
