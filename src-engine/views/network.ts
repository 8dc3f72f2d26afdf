/**
 * The network diagram's data (as in TensorFlow Playground): each unit's own heatmap over the 2-D
 * input plane, from one batched forward pass that returns every layer's activations, and each link's
 * colour (sign) and strength on a scale relative to the largest |w| of its layer, so trained weights
 * far above 1 do not all saturate.
 */
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { planeInputs, resolvePlane, type Plane, type PlaneSpec } from './decision-grid.ts';
import { ViewError, type ViewSource } from './source.ts';

export interface UnitHeatmapLayer {
  nodeId: string;
  units: number;
  /** Activation of every unit at every plane node, unit-major: units × (ny × nx), x fastest. */
  values: Float32Array;
  /** Range over the whole layer (a shared colour scale for its units). */
  min: number;
  max: number;
}

export interface UnitHeatmaps extends Plane {
  layers: UnitHeatmapLayer[];
}

/**
 * Every unit's activation over the input plane of two features, for each layer (default: all but the
 * Input; a Dropout is the same value as its input at inference and is listed once), in one pass.
 */
export function unitHeatmaps(source: ViewSource, spec: PlaneSpec & { nodes?: string[] } = {}): UnitHeatmaps {
  const fwd = source.forward;
  const plane = resolvePlane(fwd.features, { resolution: 32, ...spec });
  const cells = plane.nx * plane.ny;
  const picked: { nodeId: string; value: number }[] = [];
  if (spec.nodes) {
    for (const id of spec.nodes) {
      const v = fwd.values.get(id);
      if (v === undefined)
        throw new ViewError(`The network has no layer '${id}' (layers: ${[...fwd.values.keys()].join(', ')}).`);
      picked.push({ nodeId: id, value: v });
    }
  } else {
    const seen = new Set<number>([fwd.x]);
    for (const [id, v] of fwd.values) {
      if (seen.has(v)) continue;
      seen.add(v);
      picked.push({ nodeId: id, value: v });
    }
  }
  const ids = [...new Set(picked.map((p) => p.value))];
  const outs = source.runForward(planeInputs(plane), cells, ids);
  const layers = picked.map(({ nodeId, value }) => {
    const src = outs[ids.indexOf(value)]!;
    const units = fwd.program.shape(value)[1];
    // Transpose rows × units to units × rows so each unit's map is one contiguous block to draw.
    const values = new Float32Array(units * cells);
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < cells; c++) {
      const o = c * units;
      for (let u = 0; u < units; u++) {
        const a = src[o + u]!;
        values[u * cells + c] = a;
        if (a < min) min = a;
        if (a > max) max = a;
      }
    }
    return { nodeId, units, values, min, max };
  });
  return { ...plane, layers };
}

export interface LinkStyle {
  edgeId: string;
  source: string;
  target: string;
  /** Rows (source units) and columns (target units) of the weight matrix. */
  inSize: number;
  units: number;
  /** The weights, row-major inSize × units: link from source unit i to target unit k is [i * units + k]. */
  weights: Float32Array;
  /** Sign of each weight (+1, -1, 0): the colour. */
  sign: Int8Array;
  /** |w| / maxAbs in [0, 1]: the width and opacity. */
  strength: Float32Array;
  /** The scale's reference: the largest |w| of this layer (or of the network, with scale 'network'). */
  maxAbs: number;
  /** Biases of the target units and their strength on the biases' own scale (null without a bias). */
  bias: Float32Array | null;
  biasStrength: Float32Array | null;
}

/** Per-link colour sign and strength for every weighted edge (into a Dense or Output layer). */
export function linkStyles(
  weights: WeightSet,
  graph: GraphDoc,
  opts: { scale?: 'layer' | 'network' } = {},
): LinkStyle[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const styles: LinkStyle[] = [];
  let networkMax = 0;
  for (const e of graph.edges) {
    const t = byId.get(e.target);
    if (!t || (t.type !== 'Dense' && t.type !== 'Output')) continue;
    const W = weights.get(`${t.id}.W`);
    if (!W)
      throw new ViewError(
        `No weights for layer '${t.label ?? t.id}' ('${t.id}.W'): train the network or load its weights first.`,
      );
    const B = weights.get(`${t.id}.b`);
    const [inSize, units] = W.shape;
    const w = Float32Array.from(W.data);
    const maxAbs = maxAbsOf(w);
    networkMax = Math.max(networkMax, maxAbs);
    const bias = B ? Float32Array.from(B.data) : null;
    styles.push({
      edgeId: e.id,
      source: e.source,
      target: e.target,
      inSize,
      units,
      weights: w,
      sign: signs(w),
      strength: new Float32Array(w.length),
      maxAbs,
      bias,
      biasStrength: bias ? relative(bias, maxAbsOf(bias)) : null,
    });
  }
  for (const s of styles) {
    if (opts.scale === 'network') s.maxAbs = networkMax;
    s.strength = relative(s.weights, s.maxAbs);
  }
  return styles;
}

function maxAbsOf(v: Float32Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m) m = a;
  }
  return m;
}

function signs(v: Float32Array): Int8Array {
  const s = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) s[i] = v[i]! > 0 ? 1 : v[i]! < 0 ? -1 : 0;
  return s;
}

function relative(v: Float32Array, maxAbs: number): Float32Array {
  const out = new Float32Array(v.length);
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) return out;
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]!) / maxAbs;
  return out;
}
