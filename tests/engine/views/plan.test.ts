/** Which views each template gets. */
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { planViews } from '../../../src-engine/views/plan.ts';

const plan = (id: string) => planViews(buildForward(getTemplate(id).graph, { training: false }));

describe('planViews', () => {
  it('offers the X4 hidden space with its plane, the grid and heatmaps, but no arrows', () => {
    const p = plan('x4-relu-hidden');
    expect(p).toMatchObject({
      task: 'binary',
      decisionGrid: true,
      sliced: false,
      weightArrows: false,
      featureSpace3d: false,
      unitHeatmaps: true,
      confusion: true,
      predictionCurve: false,
    });
    expect(p.hiddenSpaces).toEqual([{ nodeId: 'hidden', units: 3, method: 'exact', plane: true }]);
  });

  it('offers arrows for single-layer classifiers and 3-D for three features', () => {
    expect(plan('softmax-3')).toMatchObject({
      task: 'multiclass',
      weightArrows: true,
      hiddenSpaces: [],
      unitHeatmaps: false,
    });
    expect(plan('sigmoid-neuron-3d')).toMatchObject({ featureSpace3d: true, sliced: true, weightArrows: true });
  });

  it('offers the curve and contributions for regression, and PCA for wide layers', () => {
    expect(plan('x5-relu-10')).toMatchObject({
      task: 'regression',
      predictionCurve: true,
      unitContributions: true,
      decisionGrid: false,
      confusion: false,
      hiddenSpaces: [{ nodeId: 'hidden', units: 10, method: 'pca', plane: false }],
    });
    expect(plan('digits').hiddenSpaces).toEqual([{ nodeId: 'hidden', units: 15, method: 'pca', plane: true }]);
    expect(plan('circle').hiddenSpaces.map((h) => h.nodeId)).toEqual(['hidden1', 'hidden2']);
  });
});
