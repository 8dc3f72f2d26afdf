/**
 * Marching squares on analytic fields: circles, lines through the border, saddles, class outlines; and
 * step-activation boundaries found on the model by bisection.
 */
import { describe, expect, it } from 'vitest';
import {
  bisectCrossings,
  boundaryContour,
  contourLines,
  cutEdges,
  piecewiseConstant,
} from '../../../src-engine/views/contour.ts';
import { decisionGrid, type DecisionGrid } from '../../../src-engine/views/decision-grid.ts';
import { ForwardEvaluator } from '../../../src-engine/views/source.ts';
import { trainTemplate } from './util.ts';

function sample(f: (x: number, y: number) => number, n: number, lo = -1, hi = 1) {
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  const field = new Float32Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) field[j * n + i] = f(xs[i]!, xs[j]!);
  return { xs, field };
}

const points = (p: Float32Array) => Array.from({ length: p.length / 2 }, (_, k) => [p[2 * k]!, p[2 * k + 1]!] as const);

describe('contourLines', () => {
  it('traces a circle as one closed loop at the right radius', () => {
    const { xs, field } = sample((x, y) => x * x + y * y, 81);
    const lines = contourLines(field, 81, 81, xs, xs, 0.25);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.closed).toBe(true);
    const pts = points(lines[0]!.points);
    expect(pts.length).toBeGreaterThan(60);
    for (const [x, y] of pts) expect(Math.abs(Math.hypot(x, y) - 0.5)).toBeLessThan(0.005);
    // consecutive points are neighbours (one cell apart at most): the polyline is in order
    for (let k = 1; k < pts.length; k++)
      expect(Math.hypot(pts[k]![0] - pts[k - 1]![0], pts[k]![1] - pts[k - 1]![1])).toBeLessThan(0.04);
  });

  it('traces a straight line across the grid as one open polyline with ends on the border', () => {
    const { xs, field } = sample((x, y) => x + 2 * y, 21);
    const lines = contourLines(field, 21, 21, xs, xs, 0.3);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.closed).toBe(false);
    const pts = points(lines[0]!.points);
    for (const [x, y] of pts) expect(x + 2 * y).toBeCloseTo(0.3, 5);
    const onBorder = ([x, y]: readonly [number, number]) =>
      Math.abs(Math.abs(x) - 1) < 1e-6 || Math.abs(Math.abs(y) - 1) < 1e-6;
    expect(onBorder(pts[0]!)).toBe(true);
    expect(onBorder(pts[pts.length - 1]!)).toBe(true);
  });

  it('finds two separate loops around two bumps and resolves saddles by the centre value', () => {
    const { xs, field } = sample(
      (x, y) => Math.exp(-((x - 0.5) ** 2 + y * y) * 20) + Math.exp(-((x + 0.5) ** 2 + y * y) * 20),
      61,
    );
    expect(contourLines(field, 61, 61, xs, xs, 0.5)).toHaveLength(2);
    // A 2 × 2 saddle: corners bl = tr = 1, br = tl = 0. Centre 0.5 >= level 0.4 joins the high corners.
    const saddle = new Float32Array([1, 0, 0, 1]);
    const high = contourLines(saddle, 2, 2, [0, 1], [0, 1], 0.4);
    const low = contourLines(saddle, 2, 2, [0, 1], [0, 1], 0.6);
    expect(high).toHaveLength(2);
    expect(low).toHaveLength(2);
    // centre above: the segments cut off the low corners (bottom-right and top-left)
    const cutsCorner = (l: { points: Float32Array }, cx: number, cy: number) =>
      points(l.points).every(([x, y]) => Math.abs(x - cx) + Math.abs(y - cy) < 1);
    expect(high.some((l) => cutsCorner(l, 1, 0)) && high.some((l) => cutsCorner(l, 0, 1))).toBe(true);
    expect(low.some((l) => cutsCorner(l, 0, 0)) && low.some((l) => cutsCorner(l, 1, 1))).toBe(true);
  });

  it('skips cells with NaN and gives nothing for a flat field', () => {
    const field = new Float32Array(9).fill(0.2);
    expect(contourLines(field, 3, 3, [0, 1, 2], [0, 1, 2], 0.5)).toEqual([]);
    field[4] = NaN;
    field[0] = 1;
    expect(contourLines(field, 3, 3, [0, 1, 2], [0, 1, 2], 0.5)).toEqual([]);
  });
});

describe('boundaryContour', () => {
  it('outlines each class region of a three-class grid where its probability ties the best other', () => {
    const n = 41;
    const xs = new Float32Array(n);
    for (let i = 0; i < n; i++) xs[i] = -1 + (2 * i) / (n - 1);
    // Class scores z = (x, -x, y): softmax probabilities on the grid.
    const values = new Float32Array(n * n * 3);
    const predicted = new Uint8Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const z = [xs[i]!, -xs[i]!, xs[j]!];
        const e = z.map(Math.exp);
        const s = e[0]! + e[1]! + e[2]!;
        for (let c = 0; c < 3; c++) values[(j * n + i) * 3 + c] = e[c]! / s;
      }
    }
    const grid = {
      task: 'multiclass',
      outputs: 3,
      nx: n,
      ny: n,
      xs,
      ys: xs,
      values,
      predicted,
    } as unknown as DecisionGrid;
    const b = boundaryContour(grid);
    expect(b.map((c) => c.class)).toEqual([0, 1, 2]);
    for (const c of b) {
      expect(c.lines.length).toBeGreaterThan(0);
      for (const l of c.lines) {
        for (const [x, y] of points(l.points)) {
          const z = [x, -x, y].sort((a, b2) => b2 - a);
          expect(z[0]! - z[1]!).toBeLessThan(0.03);
        }
      }
    }
  });
});

describe('step-activation boundaries', () => {
  it("follow the perceptron's line smoothly instead of half-cell steps", async () => {
    const trained = await trainTemplate('perceptron');
    const ds = trained.ds;
    // The perceptron rule is its own backend: the views read its weights through a ForwardEvaluator.
    const backend = new ForwardEvaluator(trained.template.graph, trained.backend.getWeights());
    const g = decisionGrid(backend, { dataset: ds, resolution: 40 });
    expect(piecewiseConstant(g)).toBe(true);
    const w = backend.getWeights();
    const W = [...w.values()].find((t) => t.shape.length === 2 && t.shape[0] === 2)!.data;
    const b = [...w.values()].find((t) => t.data.length === 1)!.data[0]!;
    // Distance from the true line w·x + b = 0, in cells.
    const cell = (g.bounds[1] - g.bounds[0]) / (g.nx - 1);
    const dist = (x: number, y: number) => Math.abs(W[0]! * x + W[1]! * y + b) / Math.hypot(W[0]!, W[1]!) / cell;
    const worst = (lines: { points: Float32Array }[]) =>
      Math.max(...lines.flatMap((l) => points(l.points).map(([x, y]) => dist(x, y))));
    const smooth = boundaryContour(g, 0.5, backend);
    const plain = boundaryContour(g, 0.5);
    expect(smooth[0]!.lines.length).toBeGreaterThan(0);
    // Interpolating a 0/1 field puts every crossing half-way: up to half a cell off the line.
    expect(worst(plain[0]!.lines)).toBeGreaterThan(0.1);
    // Bisection on the model: within 1/2^12 of a cell (plus float32 rounding).
    expect(worst(smooth[0]!.lines)).toBeLessThan(0.01);
    // One crossing per cut edge, each strictly inside its edge.
    const field = g.values;
    const crossings = bisectCrossings(backend, g, field, 0.5, (o, k) => o[k]!);
    expect(crossings.size).toBe(cutEdges(field, g.nx, g.ny, 0.5).length);
    for (const t of crossings.values()) expect(t > 0 && t < 1).toBe(true);
  });

  it('leave smooth outputs to linear interpolation', async () => {
    const { ds, backend } = await trainTemplate('sigmoid-neuron', 30);
    const g = decisionGrid(backend, { dataset: ds, resolution: 40 });
    expect(piecewiseConstant(g)).toBe(false);
    const a = boundaryContour(g, 0.5, backend)[0]!.lines.map((l) => Array.from(l.points));
    const b = boundaryContour(g, 0.5)[0]!.lines.map((l) => Array.from(l.points));
    expect(a).toEqual(b);
  });
});
