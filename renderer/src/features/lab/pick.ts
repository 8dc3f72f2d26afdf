/**
 * What the learner points at, as the lab needs it: a sample picked in a view (a point on the
 * decision-boundary plane, an image) as a row of a part of the data, and a connection on the canvas
 * as the tensor flowing along it in the step's phase (the values going forward, the gradient coming
 * back). Pure functions, no Svelte.
 */
import type { GraphDoc, ImageViews, PointsView, SampleSplit, StepTrace } from '../../../../src-engine/protocol/api.ts';
import type { Phase, TracedTensor } from './phases.ts';

/** A sample picked in a view: a point of the plane by its index, or an image by its row. */
export type SamplePick = { points: PointsView; index: number } | { images: ImageViews; row: number };

/** The row (and the part of the data it counts in) of a picked sample; null when the view does not say. */
export function pickedSample(pick: SamplePick): { row: number; split: SampleSplit } | null {
  if ('images' in pick) return pick.images.split ? { row: pick.row, split: pick.images.split } : null;
  const { points, index } = pick;
  const row = points.rows?.[index];
  if (row === undefined || index < 0 || index >= points.x.length) return null;
  if (!points.test[index]) return { row, split: 'train' };
  return points.heldOut ? { row, split: points.heldOut } : null;
}

/** What a connection carries in a phase: its title, the tensor, and a note where it needs one. */
export interface EdgeTensor {
  title: string;
  tensor: TracedTensor;
  /** Gradient (backward or update phase) rather than values. */
  gradient: boolean;
  note: string | null;
}

/**
 * The tensor on the connection `source → target` in the phase on screen: going forward (and at the
 * loss) the source's output, which is what the target receives; going backward (and at the update)
 * the gradient of the loss with respect to that output, which is what flows back along it. A source
 * feeding several layers gets the sum of their gradients; the note says so.
 */
export function edgeTensor(
  trace: StepTrace,
  graph: GraphDoc,
  edge: { source: string; target: string },
  phase: Phase | undefined,
): EdgeTensor | null {
  const n = trace.nodes.find((x) => x.id === edge.source);
  if (!n) return null;
  const arrow = `${edge.source} → ${edge.target}`;
  const back = phase?.kind === 'backward' || phase?.kind === 'update';
  if (!back) return { title: `${arrow}: ${edge.source} output`, tensor: n.output, gradient: false, note: null };
  if (!n.grad)
    return {
      title: `${arrow}: ${edge.source} output`,
      tensor: n.output,
      gradient: false,
      note: `No gradient flows back along this connection: the loss does not depend on ${edge.source}'s output.`,
    };
  const fanOut = graph.edges.filter((e) => e.source === edge.source).length;
  return {
    title: `${arrow}: ∂L/∂${edge.source}`,
    tensor: n.grad,
    gradient: true,
    note:
      fanOut > 1
        ? `${edge.source} feeds ${fanOut} layers: this is the sum of the gradients coming back along all ${fanOut} connections.`
        : null,
  };
}

/**
 * The connections the phase is about, for the canvas: going forward the ones into the layer (what it
 * computes from), going backward the ones out of it (where its gradient comes from).
 */
export function phaseEdges(graph: GraphDoc, phase: Phase | undefined): string[] {
  if (phase?.kind === 'forward') return graph.edges.filter((e) => e.target === phase.node).map((e) => e.id);
  if (phase?.kind === 'backward') return graph.edges.filter((e) => e.source === phase.node).map((e) => e.id);
  return [];
}
