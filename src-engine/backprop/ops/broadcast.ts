/**
 * Loops over broadcast operands. An element-wise op over output dims D reads each operand at
 * offset Σ index[d] · stride[d], where a broadcast dim has stride 0. Dims of size 1 are dropped and
 * neighbours that every operand walks contiguously are merged, so the common cases ([N, F] with a
 * bias row, [N, C, H, W] with a per-channel [1, C, 1, 1]) become one or two plain loops.
 */

export interface LoopPlan {
  /** Loop extents, outermost first (at least one). */
  dims: number[];
  /** Per operand, its stride along each loop. */
  strides: number[][];
}

/** Row-major strides of `shape` as seen from `out` (right-aligned; 0 where the operand broadcasts). */
export function broadcastStrides(out: readonly number[], shape: readonly number[]): number[] {
  const rank = out.length;
  const st: number[] = new Array(rank).fill(0);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const s = shape[d - rank + shape.length] ?? 1;
    st[d] = s === 1 ? 0 : acc;
    acc *= s;
  }
  return st;
}

/** The loop plan over `out` for operands of the given shapes. */
export function loopPlan(out: readonly number[], operands: readonly (readonly number[])[]): LoopPlan {
  const all = operands.map((s) => broadcastStrides(out, s));
  let dims: number[] = [];
  let strides: number[][] = all.map(() => []);
  for (let d = 0; d < out.length; d++) {
    if (out[d] === 1) continue;
    dims.push(out[d]!);
    all.forEach((st, k) => strides[k]!.push(st[d]!));
  }
  if (!dims.length) return { dims: [1], strides: all.map(() => [0]) };
  // Merge loop d into loop d + 1 where every operand steps contiguously across them.
  for (let d = dims.length - 2; d >= 0; d--) {
    const inner = dims[d + 1]!;
    if (strides.every((st) => st[d] === st[d + 1]! * inner)) {
      dims[d + 1] = dims[d]! * inner;
      dims = [...dims.slice(0, d), ...dims.slice(d + 1)];
      strides = strides.map((st) => [...st.slice(0, d), ...st.slice(d + 1)]);
    }
  }
  return { dims, strides };
}

/**
 * Call `body(o)` for every output element in row-major order, where o[k] is operand k's offset.
 * The reference path (the generated code inlines its own loops).
 */
export function forEachOffset(plan: LoopPlan, body: (offsets: Int32Array, i: number) => void): void {
  const { dims, strides } = plan;
  const r = dims.length;
  const k = strides.length;
  const idx = new Int32Array(r);
  const off = new Int32Array(k);
  let total = 1;
  for (const d of dims) total *= d;
  for (let i = 0; i < total; i++) {
    body(off, i);
    // Advance the odometer from the innermost loop.
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) off[j]! += strides[j]![d]!;
      if (idx[d]! < dims[d]!) break;
      for (let j = 0; j < k; j++) off[j]! -= strides[j]![d]! * dims[d]!;
      idx[d] = 0;
    }
  }
}
