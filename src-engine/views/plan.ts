/**
 * Which live views fit a model and its data, so the renderer can offer the right panels without
 * knowing the rules: a decision grid needs two or more features and a classifier, a prediction curve
 * a regression on one feature, hidden-space views a layer whose next layer draws a plane, and so on.
 */
import type { ForwardModel } from '../model/compile.ts';
import type { Task } from '../data/dataset.ts';
import { outputTask } from './decision-grid.ts';
import { denseConsumer, denseLayers } from './source.ts';
import type { HiddenSpaceMethod } from './hidden-space.ts';

export interface ViewPlan {
  task: Task;
  /** Decision grid and contour over two features (sliced when there are more). */
  decisionGrid: boolean;
  /** True when the grid is a slice: the data has more than two features. */
  sliced: boolean;
  /** Arrows normal to the boundaries: a single-layer classifier. */
  weightArrows: boolean;
  /** Three-feature data in 3-D with the model's plane(s). */
  featureSpace3d: boolean;
  /** Layers that can be shown in 3-D, with the default method and whether the next layer's plane is drawn. */
  hiddenSpaces: { nodeId: string; units: number; method: HiddenSpaceMethod; plane: boolean }[];
  /** Prediction curve over one feature (regression). */
  predictionCurve: boolean;
  /** Unit activations and contributions: a regression whose output reads one layer. */
  unitContributions: boolean;
  /** Per-unit heatmaps over the input plane. */
  unitHeatmaps: boolean;
  /** Confusion matrix and per-class scores. */
  confusion: boolean;
  /** Image views: filters, feature maps and saliency of a sample, misclassified images (an image input). */
  images: boolean;
  /** A 2-D projection of a layer's activations by class: classifiers with more inputs than a plane or a 3-D view can show. */
  projection: boolean;
}

/** The views that apply to a model (and its data's task, when known). */
export function planViews(fwd: ForwardModel, dataTask?: Task): ViewPlan {
  const task = dataTask ?? outputTask(fwd);
  const F = fwd.features;
  const layers = denseLayers(fwd);
  const classifier = task !== 'regression';
  const single = layers.length === 1 && layers[0]!.input === fwd.x;
  const hiddenSpaces: ViewPlan['hiddenSpaces'] = [];
  const seen = new Set<number>([fwd.x]);
  for (const [nodeId, v] of fwd.values) {
    if (seen.has(v) || nodeId === fwd.outputNode.id) continue;
    seen.add(v);
    // Vectors only: an image layer's channels are not units to place in a space.
    if (fwd.program.shape(v).length !== 2) continue;
    const units = fwd.program.shape(v)[1]!;
    if (units < 2) continue;
    const next = denseConsumer(fwd, nodeId);
    const plane = !!next && (next.units === 1 || next.activation === 'softmax') && classifier;
    hiddenSpaces.push({ nodeId, units, method: units <= 3 ? 'exact' : 'pca', plane });
  }
  const out = layers.find((l) => l.nodeId === fwd.outputNode.id);
  return {
    task,
    decisionGrid: F >= 2 && (classifier || F === 2),
    sliced: F > 2,
    weightArrows: single && classifier && F >= 2,
    featureSpace3d: F === 3,
    hiddenSpaces,
    predictionCurve: task === 'regression' || F === 1,
    unitContributions: task === 'regression' && !!out && [...fwd.values].some(([, v]) => v === out.input),
    unitHeatmaps: F === 2 && layers.length > 1,
    confusion: classifier,
    images: fwd.inputShape.length === 3,
    projection: classifier && F > 3,
  };
}
