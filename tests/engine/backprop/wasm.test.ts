// The step compiled to WebAssembly (src-engine/backprop/wasm/): each op's forms, the tanh
// approximation's error, the products, the fallbacks, and the TypeScript backend's use of it.
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program } from '../../../src-engine/backprop/ir.ts';
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from '../../../src-engine/backprop/ops/elementwise.ts';
import { WasmArena } from '../../../src-engine/backprop/wasm/arena.ts';
import { wasmModuleCount } from '../../../src-engine/backprop/wasm/codegen.ts';
import { buildTrainingProgram, initWeights } from '../../../src-engine/model/compile.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { chain } from './util.ts';

/** Distance in float32 units in the last place (0: the same float32). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  // Map the sign-magnitude ints onto a line so that -0 and +0 meet.
  const line = (v: number) => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(line(i[0]!) - line(i[1]!));
}

/** Inputs of a unary op's test: a grid over [-12, 12] and the values where forms go wrong. */
function unaryInputs(): number[] {
  const xs: number[] = [];
  for (let i = 0; i < 4001; i++) xs.push(-12 + (24 * i) / 4000);
  xs.push(0, -0, 1e-30, -1e-30, 3e-4, -3e-4, 7.9, 7.91, -7.91, 40, -40, 1e30, -1e30);
  xs.push(Infinity, -Infinity, NaN);
  return xs;
}

/** y = op(x) for x of n values, as WebAssembly (arena) and as the float32 per-op kernel. */
function runUnary(
  op: UnaryOp,
  xs: number[],
  alpha: number,
): { wasm: Float32Array; plain: Float32Array; compiled: boolean } {
  const p = new Program();
  const x = p.input('x', [BATCH, 1]);
  const y = p.unary(op, x, alpha);
  const a = new Executable(p, [y], { batch: xs.length, arena: WasmArena.create(4 * xs.length)! });
  const b = new Executable(p, [y], { batch: xs.length, codegen: false });
  a.input('x').set(xs);
  b.input('x').set(xs);
  a.run();
  b.run();
  return { wasm: a.value(y) as Float32Array, plain: b.value(y) as Float32Array, compiled: a.wasm };
}

/**
 * Largest difference from the per-op kernel (which rounds the float64 value to float32), in float32
 * ulps, per op. The lanes of a SIMD loop round at every step in float32; scalar loops compute in
 * float64 like the JavaScript code.
 * - 0: the same float32 (one correctly rounded operation, a selection, or the same float64 arithmetic);
 * - leaky_relu: alpha · x with alpha rounded to float32 first (1 ulp);
 * - softplus: log1p(e) as log(u) · e / (u - 1), within an ulp of Math.log1p in float64 (1 ulp);
 * - tanh: the rational approximation TensorFlow's CPU kernels use (Eigen's), in float32 (6 ulps,
 *   measured on 3 million points in [-10, 10], [-0.01, 0.01] and [-1e-4, 1e-4]; 52% exact).
 */
const ULPS: Partial<Record<UnaryOp, number>> = { leaky_relu: 1, softplus: 1, tanh: 6 };

describe('WebAssembly forms of the element-wise ops', () => {
  it('every unary op, in SIMD lanes and in the scalar tail, within its stated ulps of the per-op kernel', () => {
    const xs = unaryInputs();
    expect(xs.length % 4).not.toBe(0); // a scalar tail after the SIMD loop
    let checked = 0;
    for (const op of Object.keys(UNARY) as UnaryOp[]) {
      const { wasm, plain, compiled } = runUnary(op, xs, 0.3);
      expect(compiled, op).toBe(true);
      const bound = ULPS[op] ?? 0;
      for (let i = 0; i < xs.length; i++) {
        expect(ulps(wasm[i]!, plain[i]!), `${op}(${xs[i]}) = ${wasm[i]}, per-op ${plain[i]}`).toBeLessThanOrEqual(
          bound,
        );
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(UNARY).length * xs.length);
  });

  it('tanh: odd, within [-1, 1], ±1 past the clamp, NaN for NaN, and exact in the scalar tail', () => {
    const xs = [0.5, -0.5, 8, -8, 1e-5, -1e-5, Infinity, -Infinity, NaN, 0.5, -0.25, 0.125, 2];
    const { wasm } = runUnary('tanh', xs, 0);
    expect(wasm[0]).toBe(-wasm[1]!);
    expect(wasm[2]).toBe(1);
    expect(wasm[3]).toBe(-1);
    expect(wasm[4]).toBe(Math.fround(1e-5));
    expect(wasm[6]).toBe(1);
    expect(wasm[7]).toBe(-1);
    expect(wasm[8]).toBeNaN();
    // 13 values: 12 in SIMD lanes, the last in the scalar tail, which calls Math.tanh.
    expect(wasm[12]).toBe(Math.fround(Math.tanh(2)));
    for (const v of wasm) if (!Number.isNaN(v)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('every binary op, with full, broadcast-row, broadcast-column and scalar operands, matches the per-op kernel exactly', () => {
    const rng = new SeededRng(3);
    // [5, 8] with [1, 8] (vectorized), [5, 1] (a column: scalar loops) and [1, 1] (hoisted)
    const shapes: [number, number][] = [
      [5, 8],
      [1, 8],
      [5, 1],
      [1, 1],
    ];
    let checked = 0;
    for (const op of Object.keys(BINARY) as BinaryOp[]) {
      for (const sb of shapes) {
        const p = new Program();
        const a = p.input('a', [5, 8]);
        const b = p.input('b', sb);
        const y = p.binary(op, a, b);
        const w = new Executable(p, [y], { batch: 1, arena: WasmArena.create(1024)! });
        const plain = new Executable(p, [y], { batch: 1, codegen: false });
        expect(w.wasm).toBe(true);
        const av = Array.from({ length: 40 }, () => rng.normal());
        const bv = Array.from({ length: sb[0] * sb[1] }, (_, i) => (i % 3 === 0 ? av[i]! : rng.normal()));
        for (const e of [w, plain]) {
          e.input('a').set(av);
          e.input('b').set(bv);
          e.run();
        }
        // A single float32 operation is correctly rounded in both.
        expect(Array.from(w.value(y)), `${op} with b of shape ${sb}`).toEqual(Array.from(plain.value(y)));
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(BINARY).length * shapes.length);
  });
});

describe('WebAssembly matrix products and reductions', () => {
  it('products and their sums, in every transposition and size class, are within float32 rounding of exact', () => {
    const rng = new SeededRng(7);
    let checked = 0;
    // (m, k, n): vectorized over columns (n % 4 = 0), dot products (k % 4 = 0), scalar, with k
    // written out (≤ 16) or looped, and too large to write out (the kernel is called)
    const sizes: [number, number, number][] = [
      [3, 5, 8],
      [7, 8, 3],
      [2, 3, 5],
      [1, 1, 1],
      [6, 16, 12],
      [4, 24, 4],
      [8, 32, 8],
      [3, 20, 5],
      [40, 30, 20],
    ];
    for (const [m, k, n] of sizes)
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const p = new Program();
          const a = p.input('a', ta ? [k, m] : [m, k]);
          const b = p.input('b', tb ? [n, k] : [k, n]);
          const y = p.matmul(a, b, ta, tb);
          const s1 = p.sumTo(y, [1, n]);
          const s2 = p.sumTo(y, [1, 1]);
          const outs = [y, s1, s2];
          const w = new Executable(p, outs, { batch: 1, arena: WasmArena.create(1 << 14)! });
          const exact = new Executable(p, outs, { batch: 1, dtype: 'float64', codegen: false });
          // The same products of |a| and |b|: the scale of the rounding error of each sum.
          const abs = new Executable(p, outs, { batch: 1, dtype: 'float64', codegen: false });
          expect(w.wasm).toBe(true);
          const av = Array.from({ length: m * k }, () => Math.fround(rng.normal()));
          const bv = Array.from({ length: k * n }, () => Math.fround(rng.normal()));
          for (const e of [w, exact]) {
            e.input('a').set(av);
            e.input('b').set(bv);
            e.run();
          }
          abs.input('a').set(av.map(Math.abs));
          abs.input('b').set(bv.map(Math.abs));
          abs.run();
          // A float32 sum of t terms is within t·2⁻²³·Σ|terms| of the exact one (and each product within 2⁻²⁴).
          const terms = [k, k + m, k + m * n];
          outs.forEach((o, q) => {
            const got = w.value(o);
            const want = exact.value(o);
            const scale = abs.value(o);
            for (let i = 0; i < want.length; i++)
              expect(Math.abs(got[i]! - want[i]!), `${m}×${k}×${n} ${ta} ${tb} value ${o}[${i}]`).toBeLessThanOrEqual(
                (terms[q]! + 1) * 2 ** -23 * scale[i]!,
              );
          });
          checked++;
        }
    expect(checked).toBe(sizes.length * 4);
  });
});

describe('WebAssembly step: when it is used', () => {
  const graph = chain(2, [['h', 'Dense', { units: 8, activation: 'tanh' }]], {
    units: 1,
    activation: 'sigmoid',
    loss: 'bce',
  });
  const config = makeTrainConfig({ optimizer: { name: 'sgd', lr: 0.1 }, batchSize: 10 });

  it('compiles a program once for its addresses; each instance keeps its own memory', () => {
    const tp = buildTrainingProgram(graph, config);
    const outs = [tp.dataLoss, ...tp.slots.map((s) => s.next)];
    const make = () => new Executable(tp.program, outs, { batch: 10, arena: WasmArena.create(1 << 12)! });
    const before = wasmModuleCount();
    const a = make();
    const afterFirst = wasmModuleCount();
    expect(afterFirst - before).toBeLessThanOrEqual(1); // 0 when an earlier test compiled it
    const b = make();
    expect(wasmModuleCount()).toBe(afterFirst);
    const w = initWeights(tp.params, new SeededRng(2), 'float32');
    for (const e of [a, b]) {
      for (const [name, { data }] of w) e.input(name).set(data);
      e.input('x').set(Array.from({ length: 20 }, (_, i) => Math.sin(i)));
      e.input('y').set(Array.from({ length: 10 }, (_, i) => i % 2));
      e.input('lr')[0] = 0.1;
    }
    a.run();
    const first = Array.from(a.value(tp.dataLoss));
    b.input('lr')[0] = 0.5;
    b.input('x').fill(3);
    b.run();
    expect(Array.from(a.value(tp.dataLoss))).toEqual(first);
    expect(Array.from(b.value(tp.dataLoss))).not.toEqual(first);
  });

  it('keeps ordinary JavaScript where the buffers do not fit the arena, or are float64, with the same results', () => {
    const tp = buildTrainingProgram(graph, config);
    const outs = [tp.dataLoss, ...tp.slots.map((s) => s.next)];
    const small = WasmArena.create(16)!;
    small.alloc(small.free / 4 - 16); // all but 64 bytes taken
    const tooSmall = new Executable(tp.program, outs, { batch: 10, arena: small });
    expect(tooSmall.wasm).toBe(false);
    expect(tooSmall.generated).toBe(true);
    const f64 = new Executable(tp.program, outs, { batch: 10, dtype: 'float64', arena: WasmArena.create(1 << 12)! });
    expect(f64.wasm).toBe(false);
    // A binding outside the arena: JavaScript.
    const outside = new Executable(tp.program, outs, {
      batch: 10,
      arena: WasmArena.create(1 << 12)!,
      bindings: new Map([['h.W', new Float32Array(16)]]),
    });
    expect(outside.wasm).toBe(false);
  });

  it('the TypeScript backend runs a small network as WebAssembly and a large one as JavaScript, training alike', () => {
    const tp = buildTrainingProgram(graph, config);
    const w = initWeights(tp.params, new SeededRng(5), 'float32');
    const wasm = new TsBackend(graph, config, w, new SeededRng(1));
    const js = new TsBackend(graph, config, w, new SeededRng(1), 'float64');
    const rng = new SeededRng(9);
    const x = Float32Array.from({ length: 20 }, () => rng.normal());
    const y = Float32Array.from({ length: 10 }, (_, i) => (x[2 * i]! * x[2 * i + 1]! > 0 ? 1 : 0));
    for (let t = 1; t <= 200; t++) {
      const a = wasm.step(x, y, 10, 0.1, t);
      const b = js.step(x, y, 10, 0.1, t);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-4);
    }
    expect(wasm.stepKind).toBe('wasm');
    expect(js.stepKind).toBe('js');
    // A partial batch gets its own compiled step in the same memory.
    const a = wasm.step(x, y, 7, 0.1, 201);
    expect(wasm.stepKind).toBe('wasm');
    expect(Math.abs(a.loss - js.step(x, y, 7, 0.1, 201).loss)).toBeLessThan(1e-4);
    const wa = wasm.getWeights();
    const wb = js.getWeights();
    for (const [name, { data }] of wa)
      data.forEach((v, i) => expect(Math.abs(v - wb.get(name)!.data[i]!)).toBeLessThan(1e-3));
    // Full batch (batch size 0): the arena is made at the first step, for its rows, and the
    // parameters move into it; a forward pass compiled before then sees the trained weights after.
    const full = makeTrainConfig({ optimizer: { name: 'sgd', lr: 0.1 }, batchSize: 0 });
    const fb = new TsBackend(graph, full, w, new SeededRng(1));
    const fd = new TsBackend(graph, full, w, new SeededRng(1), 'float64');
    const before = fb.evaluate(x, y, 10).loss;
    expect(Math.abs(before - fd.evaluate(x, y, 10).loss)).toBeLessThan(1e-6);
    for (let t = 1; t <= 50; t++) {
      fb.step(x, y, 10, 0.1, t);
      fd.step(x, y, 10, 0.1, t);
    }
    expect(fb.stepKind).toBe('wasm');
    const after = fb.evaluate(x, y, 10).loss;
    expect(after).toBeLessThan(before);
    expect(Math.abs(after - fd.evaluate(x, y, 10).loss)).toBeLessThan(1e-5);
    // 784-128-64-10 at batch 128: over the arena's limit, JavaScript (its products on the SIMD kernel).
    const mlp = chain(
      784,
      [
        ['h1', 'Dense', { units: 128, activation: 'relu' }],
        ['h2', 'Dense', { units: 64, activation: 'relu' }],
      ],
      { units: 10, activation: 'softmax', loss: 'cce' },
    );
    const mc = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.001 }, batchSize: 128 });
    const big = new TsBackend(
      mlp,
      mc,
      initWeights(buildTrainingProgram(mlp, mc).params, new SeededRng(1), 'float32'),
      new SeededRng(1),
    );
    big.step(new Float32Array(128 * 784), new Float32Array(128 * 10), 128, 0.001, 1);
    expect(big.stepKind).toBe('js');
  });
});
