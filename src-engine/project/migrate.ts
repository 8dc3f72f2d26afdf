/**
 * Project migrations: each step turns version n into n + 1, so any older project opens.
 *
 * Version 0 (the pre-release format) kept the network inline: `layers: [{ id, type, params, x, y }]`
 * and `connections: [{ from, to }]`, with no `graph` object. Version 1 nests them in a graph document
 * (`graph: { format, version, nodes: [{ id, type, params, position }], edges: [{ id, source, target }] }`).
 */
import { GRAPH_FORMAT, GRAPH_VERSION } from '../graph/document.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** v0 -> v1: move `layers`/`connections` into a graph document. */
function v0to1(p: Json): Json {
  const layers = Array.isArray(p.layers) ? p.layers : [];
  const connections = Array.isArray(p.connections) ? p.connections : [];
  const nodes = layers.map((l: unknown) => {
    const o = isObject(l) ? l : {};
    const { x, y, ...rest } = o;
    return { ...rest, position: { x: typeof x === 'number' ? x : 0, y: typeof y === 'number' ? y : 0 } };
  });
  const edges = connections.map((c: unknown, i: number) => {
    const o = isObject(c) ? c : {};
    return { id: `e${i + 1}`, source: o.from, target: o.to };
  });
  const { layers: _l, connections: _c, ...rest } = p;
  return { ...rest, version: 1, graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges } };
}

const STEPS: Record<number, (p: Json) => Json> = { 0: v0to1 };

/** Bring a parsed project value up to `targetVersion`; values that are not old projects pass through unchanged. */
export function migrateProject(value: unknown, targetVersion: number): unknown {
  if (!isObject(value)) return value;
  let p = value;
  while (typeof p.version === 'number' && Number.isInteger(p.version) && p.version < targetVersion) {
    const step = STEPS[p.version];
    if (!step) return p; // unknown old version: the schema check reports it as damaged
    p = step(p);
  }
  return p;
}
