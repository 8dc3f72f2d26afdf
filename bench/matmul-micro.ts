/**
 * Micro-benchmark for src-engine/tensor/matmul.ts.
 *
 *   npx tsx bench/matmul-micro.ts            # float32 (default)
 *   npx tsx bench/matmul-micro.ts --f64      # float64
 *   npx tsx bench/matmul-micro.ts --quick    # shorter timing windows
 *
 * Prints GFLOP/s per shape and transposition for the eight products of one training step of the
 * MLP 784-128-64-10 at batch 128 (forward, weight gradients, input gradients), for the engine's
 * matmul and for a naive i-j-k triple loop, plus the samples/s those products alone would allow
 * (the matmul-only upper bound on training throughput, one core). In float32 the engine's matmul
 * is timed twice, on the WebAssembly SIMD kernel and on the JavaScript kernel (switched in turn in
 * this process), and LeNet-5's convolutions (batch 64) are timed on both.
 */
import {
  conv2dFilterGradKernel,
  conv2dInputGradKernel,
  conv2dKernel,
  type ConvDims,
} from '../src-engine/tensor/conv.ts';
import { matmul } from '../src-engine/tensor/matmul.ts';
import { gemmBackend, loadGemmKernel } from '../src-engine/tensor/wasm/gemm.ts';
import type { FloatArray } from '../src-engine/tensor/tensor.ts';

interface Shape {
  name: string;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

const BATCH = 128;
const SHAPES: Shape[] = [
  { name: 'fwd  X·W1', m: BATCH, k: 784, n: 128, transA: false, transB: false },
  { name: 'fwd  H1·W2', m: BATCH, k: 128, n: 64, transA: false, transB: false },
  { name: 'fwd  H2·W3', m: BATCH, k: 64, n: 10, transA: false, transB: false },
  { name: 'dW1  Xᵀ·dY1', m: 784, k: BATCH, n: 128, transA: true, transB: false },
  { name: 'dW2  H1ᵀ·dY2', m: 128, k: BATCH, n: 64, transA: true, transB: false },
  { name: 'dW3  H2ᵀ·dY3', m: 64, k: BATCH, n: 10, transA: true, transB: false },
  { name: 'dX2  dY2·W2ᵀ', m: BATCH, k: 64, n: 128, transA: false, transB: true },
  { name: 'dX3  dY3·W3ᵀ', m: BATCH, k: 10, n: 64, transA: false, transB: true },
];

/** Naive i-j-k loop, the baseline the brief quotes (~1,300 samples/s). */
function naive(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
}

type Impl = (a: FloatArray, b: FloatArray, c: FloatArray, s: Shape) => void;

const args = new Set(process.argv.slice(2));
const f64 = args.has('--f64');
const windowMs = args.has('--quick') ? 200 : 1000;
const alloc = (len: number): FloatArray => (f64 ? new Float64Array(len) : new Float32Array(len));

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
  return (seed >>> 0) / 4294967296 - 0.5;
}

/**
 * Seconds per call: the best of ten short timing windows after warm-up (the minimum is robust to
 * other processes sharing the core).
 */
function time(impl: Impl, s: Shape): { secPerCall: number; out: FloatArray } {
  const a = alloc(s.m * s.k).map(rand);
  const b = alloc(s.k * s.n).map(rand);
  const c = alloc(s.m * s.n);
  for (let i = 0; i < 3; i++) impl(a, b, c, s);
  let best = Infinity;
  for (let round = 0; round < 10; round++) {
    let reps = 0;
    const t0 = performance.now();
    let t: number;
    do {
      impl(a, b, c, s);
      reps++;
      t = performance.now() - t0;
    } while (t < windowMs / 10);
    best = Math.min(best, t / 1000 / reps);
  }
  return { secPerCall: best, out: c };
}

const fast: Impl = (a, b, c, s) => matmul(a, b, c, s.m, s.k, s.n, s.transA, s.transB, false);
const slow: Impl = (a, b, c, s) => naive(a, b, c, s.m, s.k, s.n, s.transA, s.transB);

function gflops(s: Shape, sec: number): number {
  return (2 * s.m * s.k * s.n) / sec / 1e9;
}

/** Times `impl` on the JavaScript kernel, and (float32) on the WebAssembly one, in turn. */
function timeBoth(impl: Impl, s: Shape): { js: number; wasm: number | null } {
  loadGemmKernel(null);
  const js = time(impl, s).secPerCall;
  if (f64) return { js, wasm: null };
  loadGemmKernel();
  return { js, wasm: time(impl, s).secPerCall };
}

const cell = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits)).padStart(10);

loadGemmKernel();
console.log(
  `matmul micro-benchmark, ${f64 ? 'float64' : 'float32'}, node ${process.version}, float32 kernel: ${gemmBackend()}`,
);
console.log('shape            m×k×n        tA tB   wasm GF/s    js GF/s   naive GF/s   wasm/js');
let totalJs = 0;
let totalWasm = 0;
let totalNaive = 0;
let totalFlop = 0;
for (const s of SHAPES) {
  const t = timeBoth(fast, s);
  const tn = time(slow, s).secPerCall;
  totalJs += t.js;
  totalWasm += t.wasm ?? 0;
  totalNaive += tn;
  totalFlop += 2 * s.m * s.k * s.n;
  const dims = `${s.m}×${s.k}×${s.n}`;
  console.log(
    `${s.name.padEnd(16)} ${dims.padEnd(12)} ${s.transA ? 'T ' : 'N '} ${s.transB ? 'T ' : 'N '} ` +
      `${cell(t.wasm && gflops(s, t.wasm))} ${cell(gflops(s, t.js))}   ${cell(gflops(s, tn))}   ` +
      `${cell(t.wasm && t.js / t.wasm, 1)}×`,
  );
}
console.log(
  `\nwhole step (8 products, ${(totalFlop / 1e6).toFixed(1)} MFLOP per batch of ${BATCH}, ` +
    `${(totalFlop / BATCH / 1e6).toFixed(3)} MFLOP/sample):`,
);
const summary = (name: string, sec: number) =>
  console.log(
    `  ${name.padEnd(6)} ${(sec * 1e3).toFixed(2)} ms/batch, ${(totalFlop / sec / 1e9).toFixed(2)} GFLOP/s, ` +
      `${Math.round(BATCH / sec)} samples/s (matmul only)`,
  );
if (!f64) summary('wasm:', totalWasm);
summary('js:', totalJs);
summary('naive:', totalNaive);

// Larger square products exercise the k/column blocking (engine matmul only).
console.log('\nother shapes (engine matmul):     wasm GF/s    js GF/s');
for (const [tA, tB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const) {
  const s: Shape = { name: '512³', m: 512, k: 512, n: 512, transA: tA, transB: tB };
  const t = timeBoth(fast, s);
  console.log(
    `${s.name.padEnd(16)} ${'512×512×512'.padEnd(12)} ${tA ? 'T ' : 'N '} ${tB ? 'T ' : 'N '} ` +
      `${cell(t.wasm && gflops(s, t.wasm))} ${cell(gflops(s, t.js))}`,
  );
}

// LeNet-5's convolutions at batch 64 (forward, filter gradient, input gradient), as the engine runs them.
const lenetConvs: Array<{ name: string; d: ConvDims }> = [
  {
    name: 'conv1 1→6 5×5 p2 28²',
    d: {
      n: 64,
      c: 1,
      h: 28,
      w: 28,
      f: 6,
      oh: 28,
      ow: 28,
      win: { kernel: [5, 5], stride: [1, 1], pads: [2, 2, 2, 2], dilation: [1, 1] },
    },
  },
  {
    name: 'conv2 6→16 5×5 14²',
    d: {
      n: 64,
      c: 6,
      h: 14,
      w: 14,
      f: 16,
      oh: 10,
      ow: 10,
      win: { kernel: [5, 5], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1] },
    },
  },
];
console.log('\nLeNet-5 convolutions, batch 64 (ms per call; GF/s):   wasm ms    js ms   wasm GF/s   js GF/s');
for (const { name, d } of lenetConvs) {
  const x = alloc(d.n * d.c * d.h * d.w).map(rand);
  const w = alloc(d.f * d.c * 25).map(rand);
  const y = alloc(d.n * d.f * d.oh * d.ow).map(rand);
  const dw = alloc(w.length);
  const dx = alloc(x.length);
  const flop = 2 * d.n * d.f * d.c * 25 * d.oh * d.ow;
  const kernels: Array<[string, () => void]> = [
    ['forward', conv2dKernel(x, w, y, d)],
    ['filter grad', conv2dFilterGradKernel(x, y, dw, d)],
    ['input grad', conv2dInputGradKernel(y, w, dx, d)],
  ];
  for (const [what, run] of kernels) {
    const s: Shape = { name, m: 1, k: 1, n: 1, transA: false, transB: false };
    const t = timeBoth(() => run(), s);
    console.log(
      `  ${`${name} ${what}`.padEnd(48)} ${cell(t.wasm && t.wasm * 1e3)} ${cell(t.js * 1e3)} ` +
        `${cell(t.wasm && flop / t.wasm / 1e9)} ${cell(flop / t.js / 1e9)}`,
    );
  }
}
