/**
 * Contour lines by marching squares: where a field sampled on grid nodes crosses a level, as
 * polylines joined across cells (saddles resolved by the cell-centre average). Used for the 0.5
 * contour of a decision grid and the boundaries between softmax classes.
 *
 * Where the model's output is piecewise constant (step activations: the perceptron lessons), linear
 * interpolation between two nodes only says "half-way", and the contour becomes a staircase of
 * half-cell steps. There the crossing on each cut edge is found on the model itself, by bisection
 * along the edge, and the contour follows the true boundary smoothly.
 */
import { planeInputs, type DecisionGrid } from './decision-grid.ts';
import type { ViewSource } from './source.ts';

export interface ContourLine {
  /** Points x0, y0, x1, y1, … in plane coordinates. */
  points: Float32Array;
  /** Whether the last point joins the first (a loop inside the grid). */
  closed: boolean;
}

export interface BoundaryContour {
  /** The class whose region this outlines (multiclass), or null for a binary 0.5 contour. */
  class: number | null;
  level: number;
  lines: ContourLine[];
}

// Segments per case (corner bits: bottom-left 1, bottom-right 2, top-right 4, top-left 8), as pairs
// of cell edges (0 bottom, 1 right, 2 top, 3 left). Saddles 5 and 10 are listed for "centre below".
const CASES: readonly (readonly number[])[] = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [3, 0, 1, 2],
  [0, 2],
  [3, 2],
  [2, 3],
  [0, 2],
  [0, 1, 2, 3],
  [1, 2],
  [3, 1],
  [0, 1],
  [3, 0],
  [],
];
const SADDLE_CENTRE_ABOVE: Record<number, readonly number[]> = { 5: [0, 1, 2, 3], 10: [3, 0, 1, 2] };

/**
 * The two grid nodes (flat indices j * nx + i) an edge joins. Edge ids: horizontal edge (i, j)-(i+1, j)
 * is j * (nx - 1) + i; vertical (i, j)-(i, j+1) is ny * (nx - 1) + j * nx + i.
 */
export function edgeNodes(e: number, nx: number, ny: number): [number, number] {
  const hCount = ny * (nx - 1);
  if (e < hCount) {
    const j = Math.floor(e / (nx - 1));
    const a = j * nx + (e - j * (nx - 1));
    return [a, a + 1];
  }
  const a = e - hCount;
  return [a, a + nx];
}

/** Ids of the edges whose two nodes lie on different sides of `level` (NaN nodes excluded). */
export function cutEdges(field: ArrayLike<number>, nx: number, ny: number, level: number): number[] {
  const out: number[] = [];
  const count = ny * (nx - 1) + (ny - 1) * nx;
  for (let e = 0; e < count; e++) {
    const [a, b] = edgeNodes(e, nx, ny);
    const fa = field[a]!,
      fb = field[b]!;
    if (Number.isNaN(fa + fb)) continue;
    if (fa >= level !== fb >= level) out.push(e);
  }
  return out;
}

/**
 * Contour lines of `field` (row-major ny × nx, x fastest) at `level`, on node coordinates xs, ys.
 * `crossings` may give, per edge id, where along the edge (0 at its first node, 1 at its second) the
 * level is crossed; other edges are interpolated linearly.
 */
export function contourLines(
  field: ArrayLike<number>,
  nx: number,
  ny: number,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  level: number,
  crossings?: ReadonlyMap<number, number>,
): ContourLine[] {
  if (nx < 2 || ny < 2) return [];
  const hCount = ny * (nx - 1);
  const edgeCount = hCount + (ny - 1) * nx;
  // Edge ids: horizontal edge (i, j)-(i+1, j) is j * (nx - 1) + i; vertical (i, j)-(i, j+1) is hCount + j * nx + i.
  const segA: number[] = [];
  const segB: number[] = [];
  const cellEdge = (i: number, j: number, e: number) =>
    e === 0
      ? j * (nx - 1) + i
      : e === 2
        ? (j + 1) * (nx - 1) + i
        : e === 3
          ? hCount + j * nx + i
          : hCount + j * nx + i + 1;
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const o = j * nx + i;
      const bl = field[o]!,
        br = field[o + 1]!,
        tl = field[o + nx]!,
        tr = field[o + nx + 1]!;
      if (Number.isNaN(bl + br + tl + tr)) continue;
      const c = (bl >= level ? 1 : 0) | (br >= level ? 2 : 0) | (tr >= level ? 4 : 0) | (tl >= level ? 8 : 0);
      if (c === 0 || c === 15) continue;
      const segs = (c === 5 || c === 10) && (bl + br + tl + tr) / 4 >= level ? SADDLE_CENTRE_ABOVE[c]! : CASES[c]!;
      for (let s = 0; s < segs.length; s += 2) {
        segA.push(cellEdge(i, j, segs[s]!));
        segB.push(cellEdge(i, j, segs[s + 1]!));
      }
    }
  }
  const point = (e: number): [number, number] => {
    const [a, b] = edgeNodes(e, nx, ny);
    const ax = xs[a % nx]!,
      ay = ys[Math.floor(a / nx)]!,
      bx = xs[b % nx]!,
      by = ys[Math.floor(b / nx)]!;
    const fa = field[a]!,
      fb = field[b]!;
    const t = crossings?.get(e) ?? (fb === fa ? 0.5 : (level - fa) / (fb - fa));
    return [ax + t * (bx - ax), ay + t * (by - ay)];
  };
  // Each edge is shared by at most two segments: link them into polylines.
  const first = new Int32Array(edgeCount).fill(-1);
  const second = new Int32Array(edgeCount).fill(-1);
  const attach = (e: number, s: number) => {
    if (first[e] === -1) first[e] = s;
    else second[e] = s;
  };
  for (let s = 0; s < segA.length; s++) {
    attach(segA[s]!, s);
    attach(segB[s]!, s);
  }
  const used = new Uint8Array(segA.length);
  const other = (e: number, s: number) => (first[e] === s ? second[e]! : first[e]!);
  const lines: ContourLine[] = [];
  for (let s0 = 0; s0 < segA.length; s0++) {
    if (used[s0]) continue;
    used[s0] = 1;
    const fwd: number[] = [segA[s0]!, segB[s0]!];
    const walk = (from: number, s: number, into: number[]) => {
      let e = from;
      let cur = s;
      for (;;) {
        const next = other(e, cur);
        if (next < 0 || used[next]) return;
        used[next] = 1;
        e = segA[next] === e ? segB[next]! : segA[next]!;
        into.push(e);
        cur = next;
      }
    };
    walk(fwd[1]!, s0, fwd);
    const closed = fwd.length > 2 && fwd[fwd.length - 1] === fwd[0];
    const back: number[] = [];
    if (!closed) walk(fwd[0]!, s0, back);
    const edges = [...back.reverse(), ...fwd];
    if (closed) edges.pop();
    const pts = new Float32Array(edges.length * 2);
    edges.forEach((e, k) => {
      const [x, y] = point(e);
      pts[2 * k] = x;
      pts[2 * k + 1] = y;
    });
    lines.push({ points: pts, closed });
  }
  return lines;
}

/**
 * The decision boundary of a grid: the `level` contour of the positive-class probability (binary),
 * the outline of each class's region (multiclass: where p_c equals the largest other p), or the
 * `level` contour of the output (regression). With the model (`source`) and a piecewise-constant
 * output over the grid, each cut edge's crossing is found by bisection on the model (see above).
 */
export function boundaryContour(grid: DecisionGrid, level = 0.5, source?: ViewSource): BoundaryContour[] {
  const { nx, ny, xs, ys, values, outputs: T } = grid;
  const cells = nx * ny;
  const refine = source && piecewiseConstant(grid);
  if (grid.task !== 'multiclass') {
    const field = T === 1 ? values : strided(values, cells, T, 0);
    const at = refine ? bisectCrossings(source, grid, field, level, (o, k) => o[k * T]!) : undefined;
    return [{ class: null, level, lines: contourLines(field, nx, ny, xs, ys, level, at) }];
  }
  const out: BoundaryContour[] = [];
  for (let c = 0; c < T; c++) {
    // p_c minus the largest other p, at row k of outputs o: positive where c is the model's class.
    const margin = (o: ArrayLike<number>, k: number) => {
      let best = -Infinity;
      for (let t = 0; t < T; t++) if (t !== c && o[k * T + t]! > best) best = o[k * T + t]!;
      return o[k * T + c]! - best;
    };
    const field = new Float32Array(cells);
    for (let k = 0; k < cells; k++) field[k] = margin(values, k);
    const at = refine ? bisectCrossings(source, grid, field, 0, margin) : undefined;
    out.push({ class: c, level: 0, lines: contourLines(field, nx, ny, xs, ys, 0, at) });
  }
  return out;
}

/** Most distinct output values a grid may have and still count as piecewise constant. */
const PIECEWISE_MAX_VALUES = 16;

/** Whether the model's output over the grid takes only a few distinct values (step activations). */
export function piecewiseConstant(grid: DecisionGrid): boolean {
  if (grid.nx * grid.ny <= PIECEWISE_MAX_VALUES) return false;
  const seen = new Set<number>();
  for (const v of grid.values) {
    seen.add(v);
    if (seen.size > PIECEWISE_MAX_VALUES) return false;
  }
  return true;
}

/** Bisection steps per cut edge: the crossing is found to 1/2^12 of a cell. */
const BISECTION_STEPS = 12;

/**
 * For every edge of the grid cut by `level` in `field`, where along it the model's own `scalar` (read
 * from its outputs) crosses the level: one batched forward pass per bisection step over all cut edges.
 */
export function bisectCrossings(
  source: ViewSource,
  grid: DecisionGrid,
  field: ArrayLike<number>,
  level: number,
  scalar: (outputs: ArrayLike<number>, row: number) => number,
  steps = BISECTION_STEPS,
): Map<number, number> {
  const { nx, ny, xs, ys, features } = grid;
  const [fi, fj] = features;
  const edges = cutEdges(field, nx, ny, level);
  const n = edges.length;
  const crossings = new Map<number, number>();
  if (n === 0) return crossings;
  const F = grid.fixed.length;
  // The input rows at t = 0.5 along each edge, from the same fixed values the grid used.
  const base = planeInputs({ ...grid, nx: 1, ny: 1, xs: xs.subarray(0, 1), ys: ys.subarray(0, 1) });
  const x = new Float32Array(n * F);
  for (let k = 0; k < n; k++) x.set(base, k * F);
  const ends = edges.map((e) => edgeNodes(e, nx, ny));
  const aboveAtA = ends.map(([a]) => field[a]! >= level);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  const pred = source.forward.pred;
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < n; k++) {
      const [a, b] = ends[k]!;
      const t = (lo[k]! + hi[k]!) / 2;
      const ax = xs[a % nx]!,
        ay = ys[Math.floor(a / nx)]!;
      x[k * F + fi] = ax + t * (xs[b % nx]! - ax);
      x[k * F + fj] = ay + t * (ys[Math.floor(b / nx)]! - ay);
    }
    const out = source.runForward(x, n, [pred])[0]!;
    for (let k = 0; k < n; k++) {
      const t = (lo[k]! + hi[k]!) / 2;
      if (scalar(out, k) >= level === aboveAtA[k]) lo[k] = t;
      else hi[k] = t;
    }
  }
  for (let k = 0; k < n; k++) crossings.set(edges[k]!, (lo[k]! + hi[k]!) / 2);
  return crossings;
}

function strided(v: Float32Array, n: number, stride: number, offset: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = v[k * stride + offset]!;
  return out;
}
