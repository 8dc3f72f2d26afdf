/**
 * The live views of a run, computed in the engine worker from the current weights and flattened to
 * plain JSON (TrainingViews) for the page: decision grid with contours and arrows, data points, the
 * 3-D hidden space, the regression curve, unit heatmaps and links, and the evaluation.
 */
import { classLabels, takeRows, type Dataset } from '../../data/dataset.ts';
import type { GraphDoc } from '../../graph/document.ts';
import { withRawTargets } from '../../data/target-scale.ts';
import type { WeightSet } from '../../tensor/weights.ts';
import {
  boundaryContour,
  columnMeans,
  dataBounds,
  decisionGrid,
  evaluateModel,
  featureMaps,
  featureSpace3d,
  learnedFilters,
  misclassified,
  rowOf,
  saliencyMap,
  plainValues,
  tile,
  type Evaluation,
  type ImageTile,
  hiddenSpace,
  inTargetUnits,
  linkStyles,
  planeInBox,
  predictionCurve,
  predictionsTable,
  piecewiseConstant,
  projectableLayers,
  projection2d,
  unitContributions,
  unitHeatmaps,
  weightArrows,
  type HiddenSpaceMethod,
  type Pca,
  type Points3d,
  type ViewPlan,
  type ViewSource,
} from '../../views/index.ts';
import { classOf, targetClass } from '../../losses/index.ts';
import type {
  CurveView,
  EvaluationView,
  GridView,
  ImageTileView,
  ImageViews,
  NetworkView,
  PointsView,
  ProjectionView,
  RegressionView,
  SampleSplit,
  SpaceView,
  TrainingViews,
} from '../../protocol/training.ts';

/** Which views to compute this time: cheap ones every update, the evaluation less often. */
export interface ViewRequest {
  evaluation: boolean;
  resolution: number;
  /** The decision boundary's axes (default: see `defaultPlaneFeatures`). */
  features?: [number, number];
  /** The 3-D view's layer and method (default: the plan's first hidden layer and its method). */
  space?: { nodeId: string; method: HiddenSpaceMethod };
  /** The row of the shown data whose feature maps and saliency the image views show (default 0). */
  sample?: number;
  /** The regression curve's feature (default 0; out of range falls back to 0). */
  curveFeature?: number;
  /** The projection's layer (null: the inputs; default: the last layer before the output). */
  projection?: { nodeId: string | null };
}

/** Two features worth plotting against each other: the first two with more than two distinct values (not one-hot columns), else 0 and 1. */
export function defaultPlaneFeatures(ds: Dataset): [number, number] {
  const picked: number[] = [];
  const rows = Math.min(ds.rows, 500);
  for (let f = 0; f < ds.features && picked.length < 2; f++) {
    const seen = new Set<number>();
    for (let r = 0; r < rows && seen.size < 3; r++) seen.add(ds.x[r * ds.features + f]!);
    if (seen.size > 2) picked.push(f);
  }
  for (let f = 0; picked.length < 2 && f < ds.features; f++) if (!picked.includes(f)) picked.push(f);
  return [picked[0] ?? 0, picked[1] ?? 1];
}

const MAX_POINTS = 1500;

/** At most `max` evenly spread rows of a dataset (views need a picture, not every row). */
/** The rows a view shows of `rows` (all, or `max` spread evenly). */
function sampleRows(rows: number, max: number): number[] {
  const n = Math.min(rows, max);
  const step = rows / n;
  return Array.from({ length: n }, (_, i) => Math.floor(i * step));
}

function sample(ds: Dataset, max: number): Dataset {
  if (ds.rows <= max) return ds;
  return takeRows(ds, sampleRows(ds.rows, max));
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
/** Four significant digits (regression targets can be in the hundreds or the thousandths). */
const digits4 = (v: number) => Number(v.toPrecision(4));

/** Six significant digits: axes in the data's own units can be in the thousands or the thousandths. */
const sig6 = (v: number) => Number(v.toPrecision(6));

/**
 * Feature f's value in the data's own units (the views' axes), from the network's standardised one;
 * the value itself (rounded) where the features were not rescaled.
 */
function rawUnits(ds: Dataset, f: number): (v: number) => number {
  const u = ds.featureUnits?.[f];
  if (!u || (u.offset === 0 && u.scale === 1)) return round;
  return (v) => sig6(u.offset + v / u.scale);
}

function gridView(
  src: ViewSource,
  plan: ViewPlan,
  train: Dataset,
  weights: WeightSet,
  resolution: number,
  features: [number, number],
): GridView {
  const bounds = dataBounds(train, features);
  const fixed = Float32Array.from(columnMeans(train.x, train.rows, train.features));
  const g = decisionGrid(src, { features, bounds, resolution, fixed });
  // Everything on the plane is sent in the data's own units (the axes read as the file's values).
  const ux = rawUnits(train, features[0]);
  const uy = rawUnits(train, features[1]);
  const rawBounds: [number, number, number, number] = [
    ux(g.bounds[0]),
    ux(g.bounds[1]),
    uy(g.bounds[2]),
    uy(g.bounds[3]),
  ];
  const arrows = plan.weightArrows
    ? (
        weightArrows(weights, src.forward, {
          features,
          fixed,
          center: [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2],
          bounds,
        }) ?? []
      )
        // An arrow is drawn on the boundary it is normal to, so only where that boundary shows.
        .filter((a) => a.onBoundary)
        .map((a) => {
          // In the data's units the normal's components are multiplied by each axis's scale (the
          // boundary w·z = c with z = (x - offset) * scale is (w ⊙ scale)·x = c').
          const dx = a.dx * (train.featureUnits?.[features[0]]?.scale ?? 1);
          const dy = a.dy * (train.featureUnits?.[features[1]]?.scale ?? 1);
          const [x0, x1, y0, y1] = rawBounds;
          // Draw each arrow at a quarter of the window's size: the direction is what matters.
          const len = Math.hypot(dx, dy) || 1;
          const scale = (0.25 * Math.min(x1 - x0, y1 - y0)) / len;
          const from: [number, number] = [ux(a.x), uy(a.y)];
          return {
            from,
            to: [sig6(from[0] + dx * scale), sig6(from[1] + dy * scale)] as [number, number],
            label: a.label,
          };
        })
    : [];
  return {
    features,
    featureNames: [
      train.featureNames[features[0]] ?? `x${features[0] + 1}`,
      train.featureNames[features[1]] ?? `x${features[1] + 1}`,
    ],
    allFeatures: Array.from({ length: train.features }, (_, f) => train.featureNames[f] ?? `x${f + 1}`),
    bounds: rawBounds,
    nx: g.nx,
    ny: g.ny,
    task: g.task,
    ...(g.task === 'regression'
      ? { range: [g.min, g.max] as [number, number] }
      : { classNames: train.classNames ?? (g.task === 'binary' ? ['0', '1'] : undefined) }),
    predicted: Array.from(g.predicted),
    intensity: Array.from(g.intensity, round),
    contours:
      g.task === 'regression'
        ? []
        : boundaryContour(g, 0.5, src).flatMap((c) =>
            c.lines.map((l) => Array.from(l.points, (v, i) => (i % 2 ? uy(v) : ux(v)))),
          ),
    arrows,
    sliced: plan.sliced,
    stepwise: g.task !== 'regression' && piecewiseConstant(g),
  };
}

function pointsView(
  train: Dataset,
  test: Dataset | undefined,
  heldOut: SampleSplit,
  [fi, fj]: [number, number],
): PointsView {
  const out: PointsView = { x: [], y: [], label: [], test: [], rows: [], heldOut };
  const add = (ds: Dataset, isTest: boolean) => {
    const s = sample(ds, MAX_POINTS);
    const rows = sampleRows(ds.rows, MAX_POINTS);
    const labels = s.task === 'regression' ? null : classLabels(s);
    const ux = rawUnits(ds, fi);
    const uy = rawUnits(ds, fj);
    for (let r = 0; r < s.rows; r++) {
      out.x.push(ux(s.x[r * s.features + fi]!));
      out.y.push(s.features > 1 ? uy(s.x[r * s.features + fj]!) : round(s.y[r * s.targets]!));
      out.label.push(labels ? labels[r]! : 0);
      out.test.push(isTest);
      out.rows!.push(rows[r]!);
    }
  };
  add(train, false);
  if (test) add(test, true);
  return out;
}

function spaceView(
  p: Points3d,
  title: string,
  axisNames: [string, string, string],
  plan: ViewPlan,
  nodeId: string | null,
  method: HiddenSpaceMethod,
): SpaceView {
  return {
    title,
    nodeId,
    method,
    layers: plan.hiddenSpaces.map((h) => ({ nodeId: h.nodeId, units: h.units })),
    axisNames,
    points: Array.from(p.points, round),
    labels: Array.from(p.labels),
    planes: p.planes.map((pl) => Array.from(planeInBox(pl, p.box), round)),
    box: { min: p.box.min, max: p.box.max },
  };
}

function curveView(src: ViewSource, plan: ViewPlan, train: Dataset, chosen: number | undefined): CurveView {
  const s = sample(train, MAX_POINTS);
  const F = train.features;
  const feature = chosen !== undefined && Number.isInteger(chosen) && chosen >= 0 && chosen < F ? chosen : 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < train.rows; r++) {
    const v = train.x[r * F + feature]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const fixed = Float32Array.from(columnMeans(train.x, train.rows, F));
  const c = predictionCurve(src, lo, hi, 120, { fixed, feature });
  let units: CurveView['units'] = null;
  let bias: number | null = null;
  let sum: number[] | null = null;
  if (plan.unitContributions) {
    const u = unitContributions(src, c.xs, { fixed, feature });
    // Small multiples are readable up to a dozen units.
    if (u.units <= 12) {
      const n = c.xs.length;
      units = Array.from({ length: u.units }, (_, k) => ({
        activation: Array.from(u.activations.subarray(k * n, (k + 1) * n), round),
        contribution: Array.from(u.contributions.subarray(k * n, (k + 1) * n), round),
      }));
      bias = u.bias;
      sum = Array.from(u.sum, round);
    }
  }
  // The x axis in the feature's own units.
  const ux = rawUnits(train, feature);
  return {
    feature,
    features: Array.from({ length: F }, (_, f) => train.featureNames[f] ?? `x${f + 1}`),
    xName: train.featureNames[feature] ?? `x${feature + 1}`,
    yName: train.targetNames?.[0] ?? 'y',
    x: Array.from({ length: s.rows }, (_, r) => ux(s.x[r * s.features + feature]!)),
    y: Array.from({ length: s.rows }, (_, r) => round(s.y[r * s.targets]!)),
    curveX: Array.from(c.xs, ux),
    curveY: Array.from(c.ys, round),
    units,
    bias,
    sum,
  };
}

function networkView(
  src: ViewSource,
  graph: GraphDoc,
  train: Dataset,
  weights: WeightSet,
  heatmaps: boolean,
): NetworkView {
  const res = 24;
  const h = heatmaps
    ? unitHeatmaps(src, { features: [0, 1], bounds: dataBounds(train, [0, 1]), resolution: res })
    : { nx: 0, ny: 0, layers: [] };
  const units: NetworkView['units'] = [];
  for (const layer of h.layers) {
    const cells = h.nx * h.ny;
    for (let u = 0; u < Math.min(layer.units, 16); u++) {
      units.push({
        nodeId: layer.nodeId,
        unit: u,
        values: Array.from(layer.values.subarray(u * cells, (u + 1) * cells), round),
        min: layer.min,
        max: layer.max,
      });
    }
  }
  const links: NetworkView['links'] = [];
  for (const l of linkStyles(weights, graph)) {
    if (l.inSize * l.units > 400) continue;
    for (let i = 0; i < l.inSize; i++) {
      for (let k = 0; k < l.units; k++) {
        const j = i * l.units + k;
        links.push({
          from: l.source,
          to: l.target,
          fromUnit: i,
          toUnit: k,
          weight: round(l.weights[j]!),
          width: round(l.strength[j]!),
          sign: l.sign[j]!,
        });
      }
    }
  }
  return { nx: h.nx, ny: h.ny, units, links };
}

/** The principal axes of each dataset's inputs, once found. */
const inputAxes = new WeakMap<Dataset, Pca>();

/** At most this many rows in the projection (PCA of a wide input costs rows × features²). */
const MAX_PROJECTED = 1000;

/** The training rows on the two leading principal axes of a layer's activations (default: the last before the output). */
function projectionView(
  src: ViewSource,
  train: Dataset,
  choice: { nodeId: string | null } | undefined,
): ProjectionView {
  const layers = projectableLayers(src);
  const wanted = choice && (choice.nodeId === null || layers.some((l) => l.nodeId === choice.nodeId));
  const nodeId = wanted ? choice.nodeId : (layers[layers.length - 1]?.nodeId ?? null);
  const s = sample(train, MAX_PROJECTED);
  // The inputs' axes do not change while the model trains: found once per dataset (seconds for 784 pixels).
  const basis = nodeId === null ? inputAxes.get(train) : undefined;
  const p = projection2d(src, s, nodeId, basis ? { basis } : {});
  if (nodeId === null) inputAxes.set(train, p.basis);
  const classes = Math.max(s.targets > 1 ? s.targets : 2, ...p.labels.map((l) => l + 1));
  return {
    nodeId,
    layers,
    units: p.units,
    inputs: train.features,
    explained: [round(p.explained[0]), round(p.explained[1])],
    x: Array.from({ length: p.rows }, (_, r) => round(p.points[2 * r]!)),
    y: Array.from({ length: p.rows }, (_, r) => round(p.points[2 * r + 1]!)),
    label: Array.from(p.labels),
    predicted: Array.from(p.predicted),
    classNames: train.classNames ?? Array.from({ length: classes }, (_, k) => String(k)),
    on: 'training rows',
  };
}

/** Regression: errors on every part of the data, and predicted against actual values of the held-out rows. */
function regressionView(
  src: ViewSource,
  train: Dataset,
  validation: Dataset | undefined,
  test: Dataset | undefined,
): RegressionView {
  const parts: RegressionView['metrics'] = [];
  let shown: { on: RegressionView['scatterOn']; ds: Dataset; pred: ArrayLike<number> } | null = null;
  for (const [on, ds] of [
    ['training', train],
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (!ds || ds.rows === 0) continue;
    const ev = evaluateModel(src, ds);
    const r = ev.regression!;
    parts.push({ on, rows: ds.rows, mse: r.mse, rmse: r.rmse, mae: r.mae, r2: r.r2 });
    if (on !== 'validation' || !test) shown = { on, ds, pred: ev.pred };
  }
  const s = shown!;
  const n = Math.min(s.ds.rows, MAX_POINTS);
  const step = s.ds.rows / n;
  const actual: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i * step);
    actual.push(s.ds.y[r * s.ds.targets]!);
    predicted.push(s.pred[r * s.ds.targets]!);
  }
  return {
    target: s.ds.targetNames?.[0] ?? 'target',
    metrics: parts,
    scatterOn: s.on,
    actual,
    predicted,
  };
}

function evaluationView(ds: Dataset, ev: Evaluation, on: string): EvaluationView {
  const table = predictionsTable(ds, ev.pred, { rows: 12, maxInputs: 6 });
  const cm = ev.confusion;
  const k = cm ? cm.classes.length : 0;
  return {
    on,
    classes: cm ? cm.classes : null,
    matrix: cm ? Array.from({ length: k }, (_, i) => Array.from(cm.counts.subarray(i * k, (i + 1) * k))) : null,
    perClass: ev.report
      ? ev.report.perClass.map((c) => ({
          label: c.class,
          precision: c.precision ?? 0,
          recall: c.recall ?? 0,
          f1: c.f1 ?? 0,
          support: c.support,
        }))
      : null,
    accuracy: ev.report ? ev.report.accuracy : null,
    inputNames: table.featureNames,
    rows: table.rows.map((r) => ({
      inputs: r.inputs.map(round),
      target: r.actualName ?? r.target.map(digits4).join(', '),
      predicted: r.predictedName ?? r.output.map(digits4).join(', '),
      correct: r.correct ?? null,
    })),
  };
}

/**
 * Compute the views that fit the model (per `plan`) from the source's current weights. Regression
 * targets and predictions are shown in the target's own units.
 */
export function computeViews(
  model: ViewSource,
  plan: ViewPlan,
  graph: GraphDoc,
  data: { train: Dataset; validation?: Dataset | undefined; test?: Dataset | undefined },
  epoch: number,
  req: ViewRequest,
): TrainingViews {
  const src = inTargetUnits(model, data.train.targetScale);
  const weights = src.getWeights();
  const views: TrainingViews = { epoch };
  const train = withRawTargets(data.train);
  const validation = withRawTargets(data.validation);
  // Held-out rows for the points and the evaluation: the test rows, else the validation rows.
  const test = withRawTargets(data.test) ?? validation;
  // A plane over two pixels of an image says nothing: images get the other views only.
  if (plan.decisionGrid && !train.sampleShape) {
    const features =
      req.features && req.features[0] !== req.features[1] && Math.max(...req.features) < train.features
        ? req.features
        : defaultPlaneFeatures(train);
    views.grid = gridView(src, plan, train, weights, req.resolution, features);
    views.points = pointsView(train, test, data.test ? 'test' : 'validation', features);
  }
  const hidden = plan.hiddenSpaces.find((h) => h.nodeId === req.space?.nodeId) ?? plan.hiddenSpaces[0];
  if (hidden) {
    const method = hidden.nodeId === req.space?.nodeId ? req.space.method : hidden.method;
    const hs = hiddenSpace(src, sample(train, MAX_POINTS), hidden.nodeId, { method });
    views.space = spaceView(
      hs,
      `Hidden space of '${hidden.nodeId}' (${hs.method})`,
      hs.axisNames,
      plan,
      hidden.nodeId,
      hs.method,
    );
  } else if (plan.featureSpace3d) {
    const names = train.featureNames;
    views.space = spaceView(
      featureSpace3d(src, sample(train, MAX_POINTS)),
      'Input space',
      [names[0] ?? 'x1', names[1] ?? 'x2', names[2] ?? 'x3'],
      plan,
      null,
      'exact',
    );
  }
  if (plan.projection) views.projection = projectionView(src, train, req.projection);
  if (plan.predictionCurve && train.features >= 1) views.curve = curveView(src, plan, train, req.curveFeature);
  // Links for any network small enough to draw; unit heatmaps where the input is a plane.
  if (!train.sampleShape) {
    const net = networkView(src, graph, train, weights, plan.unitHeatmaps);
    if (net.links.length) views.network = net;
  }
  const shown = test ?? train;
  const on = data.test ? 'test rows' : validation ? 'validation rows' : 'training rows';
  const ev = req.evaluation ? evaluateModel(src, shown) : null;
  if (ev) {
    views.evaluation = evaluationView(shown, ev, on);
    if (train.task === 'regression')
      views.evaluation.regression = regressionView(src, train, validation, data.test && test);
  }
  if (plan.images && shown.sampleShape) {
    views.images = imageViews(src, graph, shown, on, weights, req.sample ?? 0, ev);
    views.images.split = data.test ? 'test' : validation ? 'validation' : 'train';
  }
  return views;
}

const tileView = (t: ImageTile): ImageTileView => ({
  c: t.c,
  h: t.h,
  w: t.w,
  values: plainValues(t.values),
  min: t.min,
  max: t.max,
});

/** Filters, the chosen sample's feature maps and saliency, and (with an evaluation) the misclassified rows. */
function imageViews(
  src: ViewSource,
  graph: GraphDoc,
  ds: Dataset,
  on: string,
  weights: WeightSet,
  sample: number,
  ev: Evaluation | null,
): ImageViews {
  const fwd = src.forward;
  const shape = ds.sampleShape!;
  const label = (id: string) => {
    const n = graph.nodes.find((m) => m.id === id);
    return n ? `${n.type} ${n.label ?? n.id}` : id;
  };
  const className = (k: number) => ds.classNames?.[k] ?? String(k);
  const row = Math.min(Math.max(0, Math.floor(sample)), ds.rows - 1);
  const x = rowOf(ds, row);
  const sal = saliencyMap(src, x, shape);
  const out: ImageViews = {
    on,
    classes: ds.classNames ?? null,
    filters: learnedFilters(fwd, weights).map((b) => ({ ...b, label: label(b.nodeId), tiles: b.tiles.map(tileView) })),
    sample: {
      row,
      rows: ds.rows,
      actual: ds.task === 'regression' ? '' : className(targetClass(ds.y, row, ds.targets)),
      predicted: ds.task === 'regression' ? '' : className(classOf(sal.output, 0, fwd.targets, fwd.decision)),
      output: sal.output.map((v) => Math.round(v * 1e4) / 1e4),
      image: tileView(tile(x, ...shape)),
      saliency: tileView(sal.map),
    },
    featureMaps: featureMaps(src, x).map((m) => ({
      nodeId: m.nodeId,
      label: m.nodeId === fwd.inputNode.id ? 'Input' : label(m.nodeId),
      shape: m.shape,
      tiles: m.tiles.map(tileView),
    })),
  };
  if (ev && ds.task !== 'regression') {
    const m = misclassified(ds, ev.pred, fwd);
    out.misclassified = {
      wrong: m.wrong,
      of: ds.rows,
      rows: m.rows.map((r) => ({
        row: r.row,
        actual: className(r.actual),
        predicted: className(r.predicted),
        image: tileView(r.image),
      })),
    };
  }
  return out;
}
