import { describe, expect, it } from 'vitest';
import { filled } from './filled.ts';
import {
  conv2dFilterGradKernel,
  conv2dInputGradKernel,
  conv2dKernel,
  type ConvDims,
} from '../../../src-engine/tensor/conv.ts';
import { gemmBackend, wasmGemmCount } from '../../../src-engine/tensor/wasm/gemm.ts';
import { windowOut, type Window2d } from '../../../src-engine/tensor/window.ts';

/** Runs the three kernels in float32 (WebAssembly, fields gathered in linear memory) and float64 (JavaScript). */
function both(d: ConvDims, seed: number): Array<[string, Float32Array, Float64Array, number]> {
  const kk = d.win.kernel[0] * d.win.kernel[1];
  const x = filled(Float64Array, d.n * d.c * d.h * d.w, seed);
  const w = filled(Float64Array, d.f * d.c * kk, seed + 1);
  const g = filled(Float64Array, d.n * d.f * d.oh * d.ow, seed + 2);
  const run = <T extends Float32Array | Float64Array>(make: (v: Float64Array) => T, alloc: (n: number) => T) => {
    const y = alloc(g.length);
    const dw = alloc(w.length);
    const dx = alloc(x.length);
    conv2dKernel(make(x), make(w), y, d)();
    conv2dFilterGradKernel(make(x), make(g), dw, d)();
    conv2dInputGradKernel(make(g), make(w), dx, d)();
    return { y, dw, dx };
  };
  const f32 = run(
    (v) => Float32Array.from(v),
    (n) => new Float32Array(n),
  );
  const f64 = run(
    (v) => Float64Array.from(Float32Array.from(v)),
    (n) => new Float64Array(n),
  );
  // Depth of each sum: forward and input gradient C·kh·kw or F·kh·kw, filter gradient N·OH·OW.
  return [
    ['forward', f32.y, f64.y, d.c * kk],
    ['filter gradient', f32.dw, f64.dw, d.n * d.oh * d.ow],
    ['input gradient', f32.dx, f64.dx, d.f * kk],
  ];
}

describe('convolution kernels on the WebAssembly GEMM', () => {
  it('match the float64 JavaScript kernels (padding, none, stride, dilation; fields gathered by the kernel)', () => {
    expect(gemmBackend()).toBe('wasm-simd');
    const windows: Window2d[] = [
      { kernel: [5, 5], stride: [1, 1], pads: [2, 2, 2, 2], dilation: [1, 1] },
      { kernel: [5, 5], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1] },
      { kernel: [3, 2], stride: [2, 1], pads: [1, 0, 0, 1], dilation: [1, 2] },
    ];
    const before = wasmGemmCount();
    let compared = 0;
    for (const [i, win] of windows.entries()) {
      const [n, c, h, w, f] = [3, 2 + i, 14 + i, 13, 5 + 2 * i];
      const [oh, ow] = windowOut(win, h, w);
      for (const [what, got, want, depth] of both({ n, c, h, w, f, oh, ow, win }, 17 + i)) {
        let scale = 0;
        for (const v of want) scale = Math.max(scale, Math.abs(v));
        const tol = 8 * 2 ** -23 * Math.sqrt(depth) * Math.max(1, scale);
        for (let j = 0; j < want.length; j++) {
          if (!(Math.abs(got[j]! - want[j]!) <= tol))
            expect.fail(`${what}, window ${JSON.stringify(win)}: [${j}] ${got[j]} vs ${want[j]} (tolerance ${tol})`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
    expect(wasmGemmCount()).toBeGreaterThan(before);
  });
});
