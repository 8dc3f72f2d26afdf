/**
 * The versioned JSON document of a network: nodes (id, layer type, params, position) and edges.
 * Structure is checked with zod; parameter values are checked against the layer catalog, and every
 * error names the node and the field.
 */
import { z } from 'zod';
import { describe } from '../layers/params.ts';
import { LAYER_TYPES, layerSpec, type LayerType, type ParamSpec } from './catalog.ts';

export const GRAPH_FORMAT = 'netwright-graph';
export const GRAPH_VERSION = 1;

export type ParamValue = number | boolean | string;

export interface GraphNode {
  id: string;
  type: LayerType;
  params: Record<string, ParamValue>;
  position: { x: number; y: number };
  /** Optional display name; the id is used when absent. */
  label?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
}

export interface GraphDoc {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  nodes: GraphNode[];
  /** For merge layers, the order of edges into a node is the order of its inputs. */
  edges: GraphEdge[];
}

const nodeSchema = z.object({
  id: z.string().min(1, 'must be a non-empty string'),
  type: z.enum(LAYER_TYPES),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  label: z.string().optional(),
});

const edgeSchema = z.object({
  id: z.string().optional(),
  source: z.string().min(1),
  target: z.string().min(1),
});

export const graphSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.number().int(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});

/** A problem found in a graph document, tied to the node (and field) it concerns. */
export interface GraphProblem {
  severity: 'error' | 'warning';
  message: string;
  nodeIds: string[];
  field?: string;
}

export type ParseResult = { ok: true; graph: GraphDoc } | { ok: false; problems: GraphProblem[] };

/** Parse and structurally check a graph document (from JSON text or an object). */
export function parseGraph(input: unknown): ParseResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      return {
        ok: false,
        problems: [{ severity: 'error', nodeIds: [], message: `The graph is not valid JSON: ${(e as Error).message}` }],
      };
    }
  }
  if (
    value &&
    typeof value === 'object' &&
    'version' in value &&
    typeof value.version === 'number' &&
    value.version > GRAPH_VERSION
  ) {
    return {
      ok: false,
      problems: [
        {
          severity: 'error',
          nodeIds: [],
          field: 'version',
          message: `This graph was saved by a newer Netwright (graph version ${value.version}; this one reads up to ${GRAPH_VERSION}). Update Netwright to open it.`,
        },
      ],
    };
  }
  const parsed = graphSchema.safeParse(value);
  if (!parsed.success) {
    const raw = value as { nodes?: { id?: unknown }[] };
    return {
      ok: false,
      problems: parsed.error.issues.map((iss) => {
        const path = iss.path.map(String);
        let nodeIds: string[] = [];
        let where = path.join('.') || '(document)';
        if (path[0] === 'nodes' && path.length > 1) {
          const nodeId = raw.nodes?.[Number(path[1])]?.id;
          if (typeof nodeId === 'string') nodeIds = [nodeId];
          where = `node ${typeof nodeId === 'string' ? `'${nodeId}'` : `#${Number(path[1]) + 1}`}${path.length > 2 ? ` field '${path.slice(2).join('.')}'` : ''}`;
        } else if (path[0] === 'edges' && path.length > 1) {
          where = `edge #${Number(path[1]) + 1}${path.length > 2 ? ` field '${path.slice(2).join('.')}'` : ''}`;
        }
        return {
          severity: 'error' as const,
          nodeIds,
          field: path.slice(2).join('.') || undefined,
          message: `${where}: ${iss.message}`,
        };
      }),
    };
  }
  const g = parsed.data;
  const problems: GraphProblem[] = [];
  const seen = new Set<string>();
  for (const n of g.nodes) {
    if (seen.has(n.id))
      problems.push({
        severity: 'error',
        nodeIds: [n.id],
        field: 'id',
        message: `Two nodes have the id '${n.id}'; ids must be unique.`,
      });
    seen.add(n.id);
  }
  const edges: GraphEdge[] = g.edges.map((e, i) => ({
    id: e.id ?? `e${i + 1}-${e.source}-${e.target}`,
    source: e.source,
    target: e.target,
  }));
  edges.forEach((e, i) => {
    for (const end of ['source', 'target'] as const) {
      if (!seen.has(e[end]))
        problems.push({
          severity: 'error',
          nodeIds: [],
          field: end,
          message: `edge #${i + 1} (${e.source} → ${e.target}): its ${end} '${e[end]}' is not a node of the graph.`,
        });
    }
  });
  if (problems.length) return { ok: false, problems };
  const nodes: GraphNode[] = g.nodes.map((n) => ({ ...n, params: withDefaults(n.type, n.params) }));
  return { ok: true, graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges } };
}

/** Fill missing params with the catalog defaults (unknown keys are kept so validation can name them). */
export function withDefaults(type: LayerType, params: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of layerSpec(type).params) out[p.name] = p.default;
  return { ...out, ...params };
}

/** Check one parameter value against its spec; returns a sentence describing what is wrong, or null. */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return `${spec.label} must be a whole number (got ${JSON.stringify(value)}).`;
      if (value < spec.min || value > spec.max)
        return `${spec.label} must be between ${spec.min} and ${spec.max} (got ${value}).`;
      return null;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `${spec.label} must be a number (got ${JSON.stringify(value)}).`;
      if (value < spec.min || value > spec.max)
        return `${spec.label} must be between ${spec.min} and ${spec.max} (got ${value}).`;
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : `${spec.label} must be true or false (got ${JSON.stringify(value)}).`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `${spec.label} must be one of ${spec.options.join(', ')} (got ${JSON.stringify(value)}).`;
  }
}

/** Check every parameter of a node against the catalog. */
export function checkNodeParams(node: GraphNode): GraphProblem[] {
  const spec = layerSpec(node.type);
  const problems: GraphProblem[] = [];
  const known = new Set(spec.params.map((p) => p.name));
  for (const p of spec.params) {
    const msg = checkParam(p, node.params[p.name]);
    if (msg)
      problems.push({ severity: 'error', nodeIds: [node.id], field: p.name, message: `${describeNode(node)}: ${msg}` });
  }
  for (const key of Object.keys(node.params)) {
    if (!known.has(key))
      problems.push({
        severity: 'error',
        nodeIds: [node.id],
        field: key,
        message: `${describeNode(node)}: unknown parameter '${key}' for a ${node.type} layer.`,
      });
  }
  return problems;
}

/** "Dense 'hidden1'" — how messages refer to a node. */
export const describeNode: (node: Pick<GraphNode, 'id' | 'type' | 'label'>) => string = describe;
