/**
 * Compiles a Program (for one batch size, float32) into a WebAssembly function over buffers that all
 * live in one WebAssembly memory (./arena.ts). It follows the JavaScript code generator's schedule
 * (../codegen.ts: the same fused element-wise groups, the same stores) and differs in how each item
 * runs:
 * - element-wise groups run four lanes at a time in f32x4 where every op has a SIMD form and the
 *   innermost loop allows it (the rest, and any op without one, in float64 scalar loops, calling the
 *   op's `f` where it has no WebAssembly form);
 * - small matrix products are written out, vectorized across the output's columns where op(B)'s
 *   rows are contiguous, or as dot products of contiguous rows;
 * - everything else calls the node's JavaScript kernel, which works on views of the same memory.
 * Float32 sums round at every addition here (the JavaScript code sums in float64 registers), and
 * tanh in SIMD loops is a rational approximation (./math.ts), so results agree with the per-op
 * kernels to float32 rounding, not bit for bit.
 *
 * For tiny networks the step's cost is dispatch and scalar arithmetic, not memory: this is what
 * makes the 2-8-8-1 net of the bench several times faster than the JavaScript code (bench/RESULTS.md).
 */
import type { FloatArray } from '../../tensor/tensor.ts';
import { globalWasm } from '../../tensor/wasm/gemm.ts';
import {
  cachedLru,
  type CodegenInput,
  groupOperands,
  INLINE_MATMUL_MACS,
  schedule,
  UNROLL_K,
  type Schedule,
} from '../codegen.ts';
import type { IRNode } from '../ir.ts';
import { BINARY, UNARY, type UnaryOp } from '../ops/elementwise.ts';
import { loopPlan } from '../ops/broadcast.ts';
import type { WasmArena } from './arena.ts';
import { encodeModule, FnBuilder, type FnImport, type MathFn, Op, Simd, T } from './encoder.ts';

/** A copy made after the run (the next parameters onto the bound ones), both in the arena. */
export interface RunCopy {
  from: FloatArray;
  to: FloatArray;
}

/** Compiled modules by their bytes (the same program and addresses compile once), least recently used first. */
const MODULES = new Map<string, object>();
const MODULE_CACHE_SIZE = 32;
let modulesBuilt = 0;

/** How many modules have been compiled (the cache's misses). */
export function wasmModuleCount(): number {
  return modulesBuilt;
}

function keyOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * The run function compiled to WebAssembly, or null where this cannot be done: no WebAssembly SIMD,
 * a buffer outside the arena, or a float64 buffer.
 */
export function generateWasmRun(
  g: CodegenInput,
  arena: WasmArena,
  copies: readonly RunCopy[] = [],
): (() => void) | null {
  const api = globalWasm();
  if (!api) return null;
  for (let id = 0; id < g.nodes.length; id++) {
    const b = g.buffers[id];
    if (g.live[id] && b && (!(b instanceof Float32Array) || !arena.owns(b))) return null;
  }
  for (const c of copies) if (!arena.owns(c.from) || !arena.owns(c.to)) return null;
  // Like the JavaScript generator's callers, anything that goes wrong here (an op without a
  // WebAssembly form, no SIMD, a page's main thread refusing to compile a large module
  // synchronously) leaves the program to the JavaScript code; the tests check that every op and
  // shape of the engine does compile.
  try {
    const { bytes, helpers } = emit(g, copies, arena.pages);
    const module = cachedLru(MODULES, keyOf(bytes), MODULE_CACHE_SIZE, () => {
      const compiled = new api.Module(bytes);
      modulesBuilt++;
      return compiled;
    });
    const K = g.kernels;
    const env: Record<string, unknown> = { memory: arena.memory, kc: (id: number) => K[id]!(), ...MATH };
    for (const op of helpers) env[`h_${op}`] = UNARY[op].f;
    const instance = new api.Instance(module, { env });
    return instance.exports.run as () => void;
  } catch {
    return null;
  }
}

/**
 * The Math functions forms call, imported as they are: V8 then calls its own implementation directly
 * (measured: 6 ns a call of Math.exp from WebAssembly, against 16 ns through a JavaScript function).
 */
const MATH: Record<`m_${MathFn}`, (x: number) => number> = {
  m_exp: Math.exp,
  m_log: Math.log,
  m_sin: Math.sin,
  m_cos: Math.cos,
};

const addr = (g: CodegenInput, id: number): number => g.buffers[id]!.byteOffset;

/** The module's bytes and the unary ops whose `f` it imports. */
function emit(g: CodegenInput, copies: readonly RunCopy[], pages: number): { bytes: Uint8Array; helpers: UnaryOp[] } {
  const w = new FnBuilder([], []);
  const imports: FnImport[] = [{ name: 'kc', params: [T.i32], results: [] }];
  const helpers: UnaryOp[] = [];
  const helper = (op: UnaryOp): number => {
    if (!helpers.includes(op)) {
      helpers.push(op);
      imports.push({ name: `h_${op}`, params: [T.f64, T.f64], results: [T.f64] });
    }
    return imports.findIndex((f) => f.name === `h_${op}`);
  };
  w.math = (name: MathFn) => {
    const field = `m_${name}`;
    if (!imports.some((f) => f.name === field)) imports.push({ name: field, params: [T.f64], results: [T.f64] });
    return imports.findIndex((f) => f.name === field);
  };
  const sched = schedule(g);
  for (const item of sched.items) {
    if (item.kind === 'group') emitGroup(w, g, sched, item.group, item.dims, helper);
    else {
      const n = item.node;
      if (n.op.kind === 'matmul' && emitMatmul(w, g, n)) continue;
      if (n.op.kind === 'sumTo' && emitSumTo(w, g, n)) continue;
      if (n.op.kind === 'broadcastTo' && emitBroadcastTo(w, g, n)) continue;
      if (n.op.kind === 'rows') {
        w.i32(0).f32(g.dims(n.inputs[0]!)[0]!).storeF32(addr(g, n.id));
        continue;
      }
      if (g.kernels[n.id]) w.i32(n.id).call(0);
    }
  }
  for (const c of copies) w.copy(c.to.byteOffset, c.from.byteOffset, c.from.length * 4);
  return { bytes: encodeModule(pages, imports, [{ name: 'run', fn: w }]), helpers };
}

/** dst = src · c (i32 locals: a row's byte offset). */
function scaled(w: FnBuilder, src: number, c: number, dst: number): void {
  w.get(src).i32(c).op(Op.i32_mul).set(dst);
}

/** A small matrix product written out; false where it is too large (the kernel is called instead). */
function emitMatmul(w: FnBuilder, g: CodegenInput, n: IRNode): boolean {
  const { transA, transB } = n.op as { transA: boolean; transB: boolean };
  const [m, cols] = g.dims(n.id) as [number, number];
  const [ar, ac] = g.dims(n.inputs[0]!) as [number, number];
  const k = transA ? ar : ac;
  if (m * k * cols > INLINE_MATMUL_MACS) return false;
  const A = addr(g, n.inputs[0]!);
  const B = addr(g, n.inputs[1]!);
  const Y = addr(g, n.id);
  // op(A)[i][p] = a[i*sai + p*sap]; op(B)[p][j] = b[p*sbp + j*sbj] (in floats)
  const sai = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : cols;
  const sbj = transB ? k : 1;
  const ai = w.local(T.i32);
  const yi = w.local(T.i32);
  /**
   * Σp of one term per p: written out for k ≤ UNROLL_K with constant offsets, else a loop whose
   * byte offsets into a and b advance by their strides. `term(pa, pb, ca, cb)` pushes p's term from
   * the byte offsets in the locals pa and pb plus the constant byte addresses ca and cb.
   */
  const sum = (pa0: number, pb0: number, term: (pa: number, pb: number, ca: number, cb: number) => void): void => {
    if (k <= UNROLL_K) {
      for (let p = 0; p < k; p++) term(pa0, pb0, A + p * sap * 4, B + p * sbp * 4);
      return;
    }
    const pa = w.local(T.i32);
    const pb = w.local(T.i32);
    w.get(pa0).set(pa).get(pb0).set(pb);
    w.forRange(0, k, 1, () => {
      term(pa, pb, A, B);
      w.get(pa)
        .i32(sap * 4)
        .op(Op.i32_add)
        .set(pa);
      w.get(pb)
        .i32(sbp * 4)
        .op(Op.i32_add)
        .set(pb);
    });
  };
  if (sbj === 1 && cols % 4 === 0) {
    // Four output columns at a time: y[i][j..j+3] = Σp a[i][p] · b[p][j..j+3]
    const acc = w.local(T.v128);
    w.forRange(0, m, 1, (i) => {
      scaled(w, i, sai * 4, ai);
      scaled(w, i, cols * 4, yi);
      w.forRange(0, cols * 4, 16, (jb) => {
        w.splat(0).set(acc);
        sum(ai, jb, (pa, pb, ca, cb) => {
          w.get(acc);
          w.get(pa).simd(Simd.v128_load32_splat, 2, ca);
          w.get(pb).loadV(cb);
          w.simd(Simd.f32x4_mul).simd(Simd.f32x4_add).set(acc);
        });
        w.get(yi).get(jb).op(Op.i32_add).get(acc).storeV(Y);
      });
    });
    return true;
  }
  /** Each output element y[i][j]: its address, then `value(bj)` pushes it (bj: column j of op(B), in bytes). */
  const eachElement = (value: (bj: number) => void): void => {
    const bj = w.local(T.i32);
    w.forRange(0, m, 1, (i) => {
      scaled(w, i, sai * 4, ai);
      scaled(w, i, cols * 4, yi);
      w.forRange(0, cols, 1, (j) => {
        scaled(w, j, sbj * 4, bj);
        w.get(yi).get(j).i32(4).op(Op.i32_mul).op(Op.i32_add);
        value(bj);
        w.storeF32(Y);
      });
    });
  };
  if (sap === 1 && sbp === 1 && k % 4 === 0 && k <= 4 * UNROLL_K) {
    // Dot products of contiguous rows: y[i][j] = Σp a[i][p..p+3] · b[j][p..p+3], then the four lanes
    const acc = w.local(T.v128);
    eachElement((bj) => {
      w.splat(0).set(acc);
      for (let p = 0; p < k; p += 4) {
        w.get(acc);
        w.get(ai).loadV(A + p * 4);
        w.get(bj).loadV(B + p * 4);
        w.simd(Simd.f32x4_mul).simd(Simd.f32x4_add).set(acc);
      }
      lanesSum(w, acc);
    });
    return true;
  }
  // Scalar: y[i][j] = Σp a[i][p] · b[p][j], float32 (in a local: a loop block cannot reach the stack)
  const s = w.local(T.f32);
  eachElement((bj) => {
    w.f32(0).set(s);
    sum(ai, bj, (pa, pb, ca, cb) => {
      w.get(s);
      w.get(pa).loadF32(ca);
      w.get(pb).loadF32(cb);
      w.op(Op.f32_mul, Op.f32_add).set(s);
    });
    w.get(s);
  });
  return true;
}

/** Push the sum of the four lanes of the f32x4 local v. */
function lanesSum(w: FnBuilder, v: number): void {
  w.get(v).simd(Simd.f32x4_extract_lane, 0).get(v).simd(Simd.f32x4_extract_lane, 1).op(Op.f32_add);
  w.get(v).simd(Simd.f32x4_extract_lane, 2).get(v).simd(Simd.f32x4_extract_lane, 3).op(Op.f32_add);
  w.op(Op.f32_add);
}

/** Sums to one value, or over rows ([R, C] to [1, C]); false for other reductions (the kernel is called). */
function emitSumTo(w: FnBuilder, g: CodegenInput, n: IRNode): boolean {
  const xd = g.dims(n.inputs[0]!);
  const yd = g.dims(n.id);
  const X = addr(g, n.inputs[0]!);
  const Y = addr(g, n.id);
  const count = xd.reduce((a, b) => a * b, 1);
  const plan = loopPlan(xd, [xd, yd]);
  const ys = plan.strides[1]!;
  const acc = w.local(T.v128);
  if (yd.reduce((a, b) => a * b, 1) === 1) {
    const main = count - (count % 4);
    w.splat(0).set(acc);
    w.forRange(0, main * 4, 16, (i) => w.get(acc).get(i).loadV(X).simd(Simd.f32x4_add).set(acc));
    w.i32(0);
    lanesSum(w, acc);
    for (let i = main; i < count; i++)
      w.i32(0)
        .loadF32(X + i * 4)
        .op(Op.f32_add);
    w.storeF32(Y);
    return true;
  }
  if (plan.dims.length === 2 && ys[0] === 0 && ys[1] === 1 && plan.dims[1]! % 4 === 0) {
    const [rows, cols] = plan.dims as [number, number];
    w.forRange(0, cols * 4, 16, (c) => {
      w.splat(0).set(acc);
      for (let r = 0; r < rows; r++)
        w.get(acc)
          .get(c)
          .loadV(X + r * cols * 4)
          .simd(Simd.f32x4_add)
          .set(acc);
      w.get(c).get(acc).storeV(Y);
    });
    return true;
  }
  return false;
}

/** A value repeated over a flat or two-level loop; false for other shapes (the kernel is called). */
function emitBroadcastTo(w: FnBuilder, g: CodegenInput, n: IRNode): boolean {
  const xd = g.dims(n.inputs[0]!);
  const yd = g.dims(n.id);
  const plan = loopPlan(yd, [yd, xd]);
  if (plan.dims.length > 2) return false;
  const X = addr(g, n.inputs[0]!);
  const Y = addr(g, n.id);
  const [outer, inner] = plan.dims.length === 2 ? (plan.dims as [number, number]) : [1, plan.dims[0]!];
  const [so, si] = plan.dims.length === 2 ? (plan.strides[1] as [number, number]) : [0, plan.strides[1]![0]!];
  const src = w.local(T.i32);
  w.forRange(0, outer, 1, (o) => {
    w.forRange(0, inner, 1, (i) => {
      w.get(o)
        .i32(inner * 4)
        .op(Op.i32_mul)
        .get(i)
        .i32(4)
        .op(Op.i32_mul)
        .op(Op.i32_add);
      w.get(o)
        .i32(so * 4)
        .op(Op.i32_mul)
        .get(i)
        .i32(si * 4)
        .op(Op.i32_mul)
        .op(Op.i32_add)
        .set(src);
      w.get(src).loadF32(X).storeF32(Y);
    });
  });
  return true;
}

/**
 * One fused element-wise group: the loop nest of its plan, the body vectorized (four lanes) where
 * every op has an f32x4 form and the innermost loop's extent is a multiple of 4 with every
 * broadcast operand contiguous or constant along it; scalar (float64) otherwise. A flat group whose
 * length is not a multiple of 4 runs its last elements in a scalar loop.
 */
function emitGroup(
  w: FnBuilder,
  g: CodegenInput,
  sched: Schedule,
  group: IRNode[],
  D: number[],
  helper: (op: UnaryOp) => number,
): void {
  const ops = groupOperands(group, D, g.dims);
  const { plan, broadcast } = ops;
  const inner = plan.dims.length - 1;
  const simdOps = group.every((m) => m.op.kind === 'binary' || UNARY[(m.op as { op: UnaryOp }).op].wasm?.f32x4);
  const innerOk = broadcast.every((_, k) => plan.strides[k + 1]![inner]! <= 1);
  const flat = plan.dims.length === 1 && broadcast.length === 0;
  const vectorizable = simdOps && (flat ? plan.dims[0]! >= 4 : plan.dims[inner]! % 4 === 0 && innerOk);
  if (!vectorizable) {
    loopNest(w, g, sched, group, ops, 0, plan.dims[0]!, false, helper);
    return;
  }
  if (flat) {
    const total = plan.dims[0]!;
    const main = total - (total % 4);
    loopNest(w, g, sched, group, ops, 0, main, true, helper);
    if (main < total) loopNest(w, g, sched, group, ops, main, total, false, helper);
    return;
  }
  loopNest(w, g, sched, group, ops, 0, plan.dims[0]!, true, helper);
}

/**
 * The group's loops and body. `from`/`to` bound the outermost loop (a flat group's tail), `simd`
 * steps the innermost loop by 4 with f32x4 values.
 */
function loopNest(
  w: FnBuilder,
  g: CodegenInput,
  sched: Schedule,
  group: IRNode[],
  ops: ReturnType<typeof groupOperands>,
  from: number,
  to: number,
  simd: boolean,
  helper: (op: UnaryOp) => number,
): void {
  const { plan, broadcast, hoisted, inGroup } = ops;
  const vt = simd ? T.v128 : T.f64;
  // Values of one element, read once.
  const scalar = new Map<number, number>();
  for (const id of hoisted) {
    const l = w.local(vt);
    if (simd) w.i32(0).simd(Simd.v128_load32_splat, 2, addr(g, id)).set(l);
    else w.i32(0).loadF32(addr(g, id)).op(Op.f64_promote_f32).set(l);
    scalar.set(id, l);
  }
  const depth = plan.dims.length;
  const counters: number[] = [];
  const step = (d: number) => (simd && d === depth - 1 ? 4 : 1);
  const body = (): void => {
    // Byte offsets: the group's own (row-major over the plan) and each broadcast operand's.
    const offset = (strides: number[]): number => {
      const l = w.local(T.i32);
      let first = true;
      strides.forEach((s, d) => {
        if (!s) return;
        w.get(counters[d]!);
        w.i32(s * 4).op(Op.i32_mul);
        if (!first) w.op(Op.i32_add);
        first = false;
      });
      if (first) w.i32(0);
      w.set(l);
      return l;
    };
    const own = offset(plan.strides[0]!);
    const bOff = broadcast.map((_, k) => offset(plan.strides[k + 1]!));
    const value = new Map<number, number>();
    const load = (id: number): number => {
      const have = value.get(id) ?? scalar.get(id);
      if (have !== undefined) return have;
      const k = broadcast.indexOf(id);
      const l = w.local(vt);
      w.get(k < 0 ? own : bOff[k]!);
      if (!simd) w.loadF32(addr(g, id)).op(Op.f64_promote_f32);
      else if (k >= 0 && plan.strides[k + 1]![depth - 1] === 0) w.simd(Simd.v128_load32_splat, 2, addr(g, id));
      else w.loadV(addr(g, id));
      w.set(l);
      value.set(id, l);
      return l;
    };
    for (const m of group) {
      const op = m.op;
      if (op.kind === 'unary') {
        const x = load(m.inputs[0]!);
        const def = UNARY[op.op];
        const form = simd ? def.wasm?.f32x4 : def.wasm?.f64;
        if (form) form(w, x, op.alpha);
        else if (simd) throw new Error(`No SIMD form for ${op.op}`);
        else w.get(x).f64(op.alpha).call(helper(op.op));
      } else if (op.kind === 'binary') {
        const a = load(m.inputs[0]!);
        const b = load(m.inputs[1]!);
        BINARY[op.op].wasm[simd ? 'f32x4' : 'f64'](w, a, b);
      } else throw new Error(`Not element-wise: ${op.kind}`);
      const l = w.local(vt);
      w.set(l);
      value.set(m.id, l);
      if (sched.stored(m, inGroup)) {
        w.get(own).get(l);
        if (simd) w.storeV(addr(g, m.id));
        else w.op(Op.f32_demote_f64).storeF32(addr(g, m.id));
      }
    }
  };
  const nest = (d: number): void => {
    const lo = d === 0 ? from : 0;
    const hi = d === 0 ? to : plan.dims[d]!;
    w.forRange(lo, hi, step(d), (c) => {
      counters[d] = c;
      if (d === depth - 1) body();
      else nest(d + 1);
    });
  };
  nest(0);
}
