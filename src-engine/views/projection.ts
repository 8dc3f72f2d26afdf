/**
 * A 2-D projection for models whose inputs are too many to draw a plane over (images, wide tables):
 * the rows mapped into a layer's activations (or taken as they are, the inputs), then onto the two
 * leading principal axes of those activations, coloured by class. Where a decision boundary over two
 * pixels says nothing, this shows whether the layer has pulled the classes apart.
 */
import { classLabels, type Dataset } from '../data/dataset.ts';
import { SeededRng } from '../tensor/rng.ts';
import { pca, projectRows, type Pca } from './pca.ts';
import { predictedClasses } from './hidden-space.ts';
import { ViewError, type ViewSource } from './source.ts';

export interface Projection2d {
  /** The layer whose activations are projected, or null for the inputs. */
  nodeId: string | null;
  /** Width of what was projected (units of the layer, or input features). */
  units: number;
  /** Rows × 2 coordinates on PC1 and PC2. */
  points: Float32Array;
  rows: number;
  /** True class per row (zeros for regression). */
  labels: Int32Array;
  /** The model's predicted class per row. */
  predicted: Int32Array;
  /** Share of the total variance along PC1 and PC2. */
  explained: [number, number];
  /** The principal axes used (pass back as `basis` to project the same inputs again without recomputing them). */
  basis: Pca;
}

/** Layers of a model whose activations can be projected: vector values of two or more units, input and output excluded. */
export function projectableLayers(source: ViewSource): { nodeId: string; units: number }[] {
  const fwd = source.forward;
  const out: { nodeId: string; units: number }[] = [];
  const seen = new Set<number>([fwd.x]);
  for (const [nodeId, v] of fwd.values) {
    if (seen.has(v) || nodeId === fwd.outputNode.id) continue;
    seen.add(v);
    const shape = fwd.program.shape(v);
    if (shape.length !== 2 || shape[1]! < 2) continue;
    out.push({ nodeId, units: shape[1]! });
  }
  return out;
}

/**
 * Project the rows of `ds` through the model to layer `nodeId` (null: the inputs themselves) and onto
 * the two leading principal axes of what comes out. `seed` fixes the power iteration's start, so the
 * same activations give the same picture; `basis` reuses axes found before (for the inputs, which
 * stay the same while the model trains).
 */
export function projection2d(
  source: ViewSource,
  ds: Dataset,
  nodeId: string | null,
  opts: { seed?: number; basis?: Pca } = {},
): Projection2d {
  const fwd = source.forward;
  if (ds.features !== fwd.features)
    throw new ViewError(`The data has ${ds.features} features but the model takes ${fwd.features}.`);
  let values: ArrayLike<number>;
  let units: number;
  let pred: ArrayLike<number>;
  if (nodeId === null) {
    pred = source.runForward(ds.x, ds.rows, [fwd.pred])[0]!;
    values = ds.x;
    units = ds.features;
  } else {
    const layer = projectableLayers(source).find((l) => l.nodeId === nodeId);
    if (!layer) {
      const names = projectableLayers(source).map((l) => l.nodeId);
      throw new ViewError(
        `Layer '${nodeId}' cannot be projected: it is not a layer of vectors with two or more units` +
          ` (layers that can: ${names.length ? names.join(', ') : 'none'}; or the inputs).`,
      );
    }
    const [acts, p] = source.runForward(ds.x, ds.rows, [fwd.values.get(nodeId)!, fwd.pred]);
    values = acts!;
    pred = p!;
    units = layer.units;
  }
  const rows = ds.rows;
  // A given basis must fit what is projected (the inputs do not change while a model trains).
  const given = opts.basis && opts.basis.mean.length === units ? opts.basis : null;
  const p = given ?? pca(values, rows, units, 2, { rng: new SeededRng(opts.seed ?? 1) });
  // Fewer than two columns cannot happen for layers (two units or more); a one-feature input gets PC2 = 0.
  const k = p.variance.length;
  const coords = projectRows(values, rows, units, p);
  const points = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) for (let a = 0; a < k; a++) points[r * 2 + a] = coords[r * k + a]!;
  const total = p.totalVariance || 1;
  return {
    nodeId,
    units,
    points,
    rows,
    labels: classLabels(ds),
    predicted: predictedClasses(fwd, pred, rows),
    explained: [(p.variance[0] ?? 0) / total, (p.variance[1] ?? 0) / total],
    basis: p,
  };
}
