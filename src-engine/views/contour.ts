/**
 * Contour lines by marching squares: where a field sampled on grid nodes crosses a level, as
 * polylines joined across cells (saddles resolved by the cell-centre average). Used for the 0.5
 * contour of a decision grid and the boundaries between softmax classes.
 */
import type { DecisionGrid } from './decision-grid.ts';

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

/** Contour lines of `field` (row-major ny × nx, x fastest) at `level`, on node coordinates xs, ys. */
export function contourLines(
  field: ArrayLike<number>,
  nx: number,
  ny: number,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  level: number,
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
    let a: number, b: number, ax: number, ay: number, bx: number, by: number;
    if (e < hCount) {
      const j = Math.floor(e / (nx - 1));
      const i = e - j * (nx - 1);
      a = j * nx + i;
      b = a + 1;
      ax = xs[i]!;
      bx = xs[i + 1]!;
      ay = by = ys[j]!;
    } else {
      const k = e - hCount;
      const j = Math.floor(k / nx);
      const i = k - j * nx;
      a = j * nx + i;
      b = a + nx;
      ax = bx = xs[i]!;
      ay = ys[j]!;
      by = ys[j + 1]!;
    }
    const fa = field[a]!,
      fb = field[b]!;
    const t = fb === fa ? 0.5 : (level - fa) / (fb - fa);
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
 * `level` contour of the output (regression).
 */
export function boundaryContour(grid: DecisionGrid, level = 0.5): BoundaryContour[] {
  const { nx, ny, xs, ys, values, outputs: T } = grid;
  const cells = nx * ny;
  if (grid.task !== 'multiclass') {
    const field = T === 1 ? values : strided(values, cells, T, 0);
    return [{ class: null, level, lines: contourLines(field, nx, ny, xs, ys, level) }];
  }
  const out: BoundaryContour[] = [];
  const field = new Float32Array(cells);
  for (let c = 0; c < T; c++) {
    for (let k = 0, o = 0; k < cells; k++, o += T) {
      let best = -Infinity;
      for (let t = 0; t < T; t++) if (t !== c && values[o + t]! > best) best = values[o + t]!;
      field[k] = values[o + c]! - best;
    }
    out.push({ class: c, level: 0, lines: contourLines(field, nx, ny, xs, ys, 0) });
  }
  return out;
}

function strided(v: Float32Array, n: number, stride: number, offset: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = v[k * stride + offset]!;
  return out;
}
