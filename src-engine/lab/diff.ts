/**
 * What differs between two projects or runs: their training settings (each named by its config key,
 * such as `lr` or `optimizer.name`), their architecture (layers added, removed or changed, and
 * connections), their results (final metrics) and, where both are trained, how far each parameter
 * moved from one to the other.
 */
import type { GraphDoc, GraphNode } from '../graph/document.ts';
import { describeNode } from '../graph/document.ts';
import type { Project } from '../project/project.ts';

export interface SettingChange {
  /** The config key, dotted for nested ones (`optimizer.name`); `lr` for the learning rate. */
  key: string;
  a: unknown;
  b: unknown;
}

export interface NodeChange {
  id: string;
  type: string;
  /** Parameters that differ, with both values. */
  params: { name: string; a: unknown; b: unknown }[];
  /** A sentence for people. */
  text: string;
}

export interface WeightChange {
  name: string;
  /** Both shapes when they differ (then no statistics). */
  shapes?: [number[], number[]];
  /** Root mean square of b - a, and of a, and the largest |b - a|. */
  rmsChange?: number;
  rmsA?: number;
  maxChange?: number;
  /** rmsChange / rmsA: how far the parameter moved relative to its size. */
  relative?: number;
}

export interface ProjectDiff {
  settings: SettingChange[];
  architecture: {
    added: { id: string; type: string; text: string }[];
    removed: { id: string; type: string; text: string }[];
    changed: NodeChange[];
    edgesAdded: [string, string][];
    edgesRemoved: [string, string][];
  };
  dataset: SettingChange[];
  /** Final metrics of each project's last run, by metric. */
  metrics: { key: string; a: number | null; b: number | null }[];
  weights: WeightChange[];
  /** True when nothing differs. */
  same: boolean;
}

/** Flatten nested settings to dotted keys; the optimizer's learning rate is plain `lr`. */
function flatten(v: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const key = prefix === 'optimizer.' && k === 'lr' ? 'lr' : `${prefix}${k}`;
      if (x && typeof x === 'object' && !Array.isArray(x))
        for (const [kk, vv] of flatten(x, `${key}.`)) out.set(kk, vv);
      else out.set(key, x);
    }
  }
  return out;
}

function changes(a: unknown, b: unknown): SettingChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return keys
    .filter((k) => JSON.stringify(fa.get(k)) !== JSON.stringify(fb.get(k)))
    .map((key) => ({ key, a: fa.get(key) ?? null, b: fb.get(key) ?? null }));
}

function nodeChange(a: GraphNode, b: GraphNode): NodeChange | null {
  const params: NodeChange['params'] = [];
  for (const name of [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])].sort())
    if (JSON.stringify(a.params[name]) !== JSON.stringify(b.params[name]))
      params.push({ name, a: a.params[name] ?? null, b: b.params[name] ?? null });
  if (a.type !== b.type) params.unshift({ name: 'type', a: a.type, b: b.type });
  if ((a.label ?? null) !== (b.label ?? null)) params.push({ name: 'label', a: a.label ?? null, b: b.label ?? null });
  if (!params.length) return null;
  const what = params.map((p) => `${p.name} ${JSON.stringify(p.a)} → ${JSON.stringify(p.b)}`).join(', ');
  return { id: b.id, type: b.type, params, text: `${describeNode(b)}: ${what}` };
}

/** The architecture diff of two graphs (nodes matched by id). */
export function diffGraphs(a: GraphDoc, b: GraphDoc): ProjectDiff['architecture'] {
  const byA = new Map(a.nodes.map((n) => [n.id, n]));
  const byB = new Map(b.nodes.map((n) => [n.id, n]));
  const edge = (e: { source: string; target: string }) => `${e.source}\u0000${e.target}`;
  const ea = new Set(a.edges.map(edge));
  const eb = new Set(b.edges.map(edge));
  const pair = (k: string) => k.split('\u0000') as [string, string];
  return {
    added: b.nodes
      .filter((n) => !byA.has(n.id))
      .map((n) => ({ id: n.id, type: n.type, text: `${describeNode(n)} added` })),
    removed: a.nodes
      .filter((n) => !byB.has(n.id))
      .map((n) => ({ id: n.id, type: n.type, text: `${describeNode(n)} removed` })),
    changed: b.nodes.flatMap((n) => {
      const old = byA.get(n.id);
      const c = old ? nodeChange(old, n) : null;
      return c ? [c] : [];
    }),
    edgesAdded: [...eb].filter((k) => !ea.has(k)).map(pair),
    edgesRemoved: [...ea].filter((k) => !eb.has(k)).map(pair),
  };
}

/** Everything that differs between two projects (their last runs for metrics, their weights). */
export function diffProjects(a: Project, b: Project): ProjectDiff {
  const settings = changes(a.training, b.training);
  const architecture = diffGraphs(a.graph, b.graph);
  const dataset = changes(a.dataset, b.dataset);
  const fa = a.runs.at(-1)?.final ?? {};
  const fb = b.runs.at(-1)?.final ?? {};
  const metrics = [...new Set([...Object.keys(fa), ...Object.keys(fb)])]
    .sort()
    .map((key) => ({ key, a: fa[key] ?? null, b: fb[key] ?? null }));
  const weights: WeightChange[] = [];
  if (a.weights && b.weights) {
    // The stored values as they are (a project's weights need not fit the other's graph).
    const wa = Object.entries(a.weights);
    const wb = new Map(Object.entries(b.weights));
    for (const [name, x] of wa) {
      const y = wb.get(name);
      if (!y) continue;
      if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) {
        weights.push({ name, shapes: [[...x.shape], [...y.shape]] });
        continue;
      }
      let sq = 0;
      let sa = 0;
      let max = 0;
      for (let i = 0; i < x.data.length; i++) {
        const d = y.data[i]! - x.data[i]!;
        sq += d * d;
        sa += x.data[i]! * x.data[i]!;
        max = Math.max(max, Math.abs(d));
      }
      const n = Math.max(1, x.data.length);
      const rmsChange = Math.sqrt(sq / n);
      const rmsA = Math.sqrt(sa / n);
      weights.push({ name, rmsChange, rmsA, maxChange: max, relative: rmsA > 0 ? rmsChange / rmsA : rmsChange });
    }
  }
  const arch = architecture;
  const same =
    !settings.length &&
    !dataset.length &&
    !arch.added.length &&
    !arch.removed.length &&
    !arch.changed.length &&
    !arch.edgesAdded.length &&
    !arch.edgesRemoved.length &&
    weights.every((w) => !w.shapes && w.maxChange === 0);
  return { settings, architecture, dataset, metrics, weights, same };
}
