/**
 * Float32 functions in WebAssembly SIMD for the step compiler, four lanes at a time.
 *
 * tanh: the rational approximation Eigen uses for float (degree 13 over degree 6 in x, x clamped to
 * ±7.90531110763549805, where float32 tanh is ±1; |x| < 0.0004 returns x). Measured against
 * `Math.fround(Math.tanh(x))` by tests/engine/backprop/wasm.test.ts (the bound is stated there).
 * `Math.tanh` costs 19-38 ns a call on this machine; this is a few ns for four lanes.
 */
import { type FnBuilder, Simd, T } from './encoder.ts';

const CLAMP = 7.90531110763549805;
const TINY = 0.0004;
const ALPHA = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11,
  2.00018790482477e-13, -2.76076847742355e-16,
];
const BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** Push the f32x4 polynomial Σ c[k] x2^k (Horner) for the f32x4 local x2. */
function horner(w: FnBuilder, x2: number, c: readonly number[]): void {
  w.splat(c[c.length - 1]!);
  for (let k = c.length - 2; k >= 0; k--) w.get(x2).simd(Simd.f32x4_mul).splat(c[k]!).simd(Simd.f32x4_add);
}

/** Push tanh of the f32x4 local x. */
export function tanhF32x4(w: FnBuilder, x: number): void {
  const xc = w.local(T.v128);
  const x2 = w.local(T.v128);
  w.get(x).splat(-CLAMP).simd(Simd.f32x4_max).splat(CLAMP).simd(Simd.f32x4_min).set(xc);
  w.get(xc).get(xc).simd(Simd.f32x4_mul).set(x2);
  // x, where |x| is tiny; else p(x) / q(x)
  w.get(x);
  w.get(xc);
  horner(w, x2, ALPHA);
  w.simd(Simd.f32x4_mul);
  horner(w, x2, BETA);
  w.simd(Simd.f32x4_div);
  w.get(x).simd(Simd.f32x4_abs).splat(TINY).simd(Simd.f32x4_lt);
  w.simd(Simd.v128_bitselect);
}
