/**
 * The image ops (convolution, its input and filter gradients, max and average pooling and their
 * gradients, global average pooling, batch normalisation): exact gradients by finite differences
 * in float64, fused code equal to per-op kernels, the emitted ONNX (Conv, ConvTranspose, MaxPool
 * with Indices + ScatterElements, AveragePool, BatchNormalization…) equal through onnxruntime, and
 * the im2col kernels equal to a direct convolution written out here.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program, type Shape } from '../../../src-engine/backprop/ir.ts';
import type { Window2d } from '../../../src-engine/tensor/window.ts';
import { samePadding, windowOut } from '../../../src-engine/tensor/window.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { checkFusedAndOnnx, gradError, type FragmentCase } from './fragments.ts';

const N = BATCH;
const win = (
  kernel: [number, number],
  stride: [number, number] = [1, 1],
  pads: [number, number, number, number] = [0, 0, 0, 0],
  dilation: [number, number] = [1, 1],
): Window2d => ({ kernel, stride, pads, dilation });

const convWindows: { name: string; c: number; h: number; w: number; f: number; win: Window2d }[] = [
  { name: '3×3 valid', c: 2, h: 5, w: 6, f: 3, win: win([3, 3]) },
  { name: '5×5 pad 2 (LeNet)', c: 1, h: 6, w: 6, f: 2, win: win([5, 5], [1, 1], [2, 2, 2, 2]) },
  { name: '3×3 stride 2 pad 1', c: 2, h: 7, w: 6, f: 2, win: win([3, 3], [2, 2], [1, 1, 1, 1]) },
  { name: '2×3 stride 2×1, asymmetric pads', c: 2, h: 5, w: 5, f: 2, win: win([2, 3], [2, 1], [0, 1, 1, 0]) },
  { name: '3×3 dilation 2', c: 1, h: 7, w: 7, f: 2, win: win([3, 3], [1, 1], [1, 1, 1, 1], [2, 2]) },
  { name: '4×4 stride 3 (a remainder row)', c: 2, h: 8, w: 9, f: 2, win: win([4, 4], [3, 3]) },
];

const cases: FragmentCase[] = [];
for (const k of convWindows) {
  const xs: Shape = [N, k.c, k.h, k.w];
  const ws: Shape = [k.f, k.c, ...k.win.kernel];
  const [oh, ow] = windowOut(k.win, k.h, k.w);
  const gs: Shape = [N, k.f, oh, ow];
  cases.push(
    {
      name: `conv2d ${k.name}`,
      inputs: [
        { name: 'x', shape: xs },
        { name: 'w', shape: ws },
      ],
      build: (p, [x, w]) => p.conv2d(x!, w!, k.win),
    },
    {
      name: `conv2dInputGrad ${k.name}`,
      inputs: [
        { name: 'g', shape: gs },
        { name: 'w', shape: ws },
      ],
      build: (p, [g, w]) => p.conv2dInputGrad(g!, w!, k.win, xs),
    },
    {
      name: `conv2dFilterGrad ${k.name}`,
      inputs: [
        { name: 'x', shape: xs },
        { name: 'g', shape: gs },
      ],
      build: (p, [x, g]) => p.conv2dFilterGrad(x!, g!, k.win, ws),
    },
  );
}
const poolWindows: { name: string; h: number; w: number; win: Window2d }[] = [
  { name: '2×2 stride 2', h: 6, w: 6, win: win([2, 2], [2, 2]) },
  { name: '3×3 stride 2 pad 1 (overlapping)', h: 7, w: 6, win: win([3, 3], [2, 2], [1, 1, 1, 1]) },
  { name: '2×2 stride 2 on 5×5 (a dropped edge)', h: 5, w: 5, win: win([2, 2], [2, 2]) },
  { name: '3×2 stride 1', h: 4, w: 5, win: win([3, 2]) },
];
for (const k of poolWindows) {
  const xs: Shape = [N, 2, k.h, k.w];
  const [oh, ow] = windowOut(k.win, k.h, k.w);
  cases.push(
    {
      name: `maxPool2d ${k.name}`,
      inputs: [{ name: 'x', shape: xs }],
      build: (p, [x]) => p.maxPool2d(x!, k.win),
    },
    {
      name: `maxPool2dGrad ${k.name} (value)`,
      inputs: [
        { name: 'x', shape: xs },
        { name: 'g', shape: [N, 2, oh, ow] },
      ],
      build: (p, [x, g]) => p.maxPool2dGrad(x!, g!, k.win),
      valueOnly: true,
    },
    {
      // ReLU zeros make whole windows equal: every engine must route g to the first of them.
      name: `maxPool2dGrad ${k.name} with ties (value)`,
      inputs: [
        { name: 'x', shape: xs },
        { name: 'g', shape: [N, 2, oh, ow] },
      ],
      build: (p, [x, g]) => {
        const r = p.unary('relu', x!);
        return p.maxPool2dGrad(r, g!, k.win);
      },
      valueOnly: true,
    },
    {
      name: `avgPool2d ${k.name}`,
      inputs: [{ name: 'x', shape: xs }],
      build: (p, [x]) => p.avgPool2d(x!, k.win),
    },
    {
      name: `avgPool2dGrad ${k.name}`,
      inputs: [{ name: 'g', shape: [N, 2, oh, ow] }],
      build: (p, [g]) => p.avgPool2dGrad(g!, k.win, xs),
    },
  );
}
cases.push(
  {
    name: 'globalAvgPool [N, 3, 4, 5]',
    inputs: [{ name: 'x', shape: [N, 3, 4, 5] }],
    build: (p, [x]) => p.globalAvgPool(x!),
  },
  {
    name: 'batchNorm (given statistics) on [N, 3, 2, 4]',
    inputs: [
      { name: 'x', shape: [N, 3, 2, 4] },
      { name: 's', shape: [1, 3, 1, 1] },
      { name: 'b', shape: [1, 3, 1, 1] },
      { name: 'm', shape: [1, 3, 1, 1] },
      { name: 'v', shape: [1, 3, 1, 1] },
    ],
    // the variance input is squared so that it stays positive whatever the fill
    build: (p, [x, s, b, m, v]) => p.batchNorm(x!, s!, b!, m!, p.square(v!), 1e-3),
  },
  {
    name: 'batchNorm (given statistics) on features [N, 4]',
    inputs: [
      { name: 'x', shape: [N, 4] },
      { name: 's', shape: [1, 4] },
      { name: 'b', shape: [1, 4] },
      { name: 'm', shape: [1, 4] },
      { name: 'v', shape: [1, 4] },
    ],
    build: (p, [x, s, b, m, v]) => p.batchNorm(x!, s!, b!, m!, p.square(v!), 1e-5),
  },
  {
    name: 'a small CNN: conv same, relu, max pool, conv, avg pool, flatten, matmul, softmax',
    inputs: [
      { name: 'x', shape: [N, 1, 8, 8] },
      { name: 'w1', shape: [2, 1, 3, 3] },
      { name: 'b1', shape: [1, 2, 1, 1] },
      { name: 'w2', shape: [3, 2, 2, 2] },
      { name: 'd', shape: [12, 4] },
    ],
    build: (p, [x, w1, b1, w2, d]) => {
      const [pt, pb] = samePadding(8, 3, 1);
      const c1 = p.unary('relu', p.add(p.conv2d(x!, w1!, win([3, 3], [1, 1], [pt, pt, pb, pb])), b1!));
      const m1 = p.maxPool2d(c1, win([2, 2], [2, 2]));
      const c2 = p.unary('tanh', p.conv2d(m1, w2!, win([2, 2])));
      const a2 = p.avgPool2d(c2, win([2, 2], [1, 1]));
      return p.softmax(p.matmul(p.reshape(a2, [N, 12]), d!));
    },
  },
);

describe('image ops: gradients by finite differences (float64)', () => {
  for (const c of cases.filter((c) => !c.valueOnly)) {
    it(c.name, () => {
      expect(gradError(c)).toBeLessThan(1e-6);
    });
  }
});

describe('image ops: generated code, per-op kernels and ONNX agree', () => {
  it(`on all ${cases.length} fragments (values and gradients)`, async () => {
    expect(await checkFusedAndOnnx(cases)).toBe(cases.length);
  });
});

/** The convolution written out directly, the definition the im2col kernels must reproduce. */
function directConv(
  x: Float64Array,
  w: Float64Array,
  n: number,
  c: number,
  h: number,
  wd: number,
  f: number,
  k: Window2d,
) {
  const [oh, ow] = windowOut(k, h, wd);
  const y = new Float64Array(n * f * oh * ow);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < f; o++)
      for (let a = 0; a < oh; a++)
        for (let b = 0; b < ow; b++) {
          let acc = 0;
          for (let ci = 0; ci < c; ci++)
            for (let i = 0; i < k.kernel[0]; i++)
              for (let j = 0; j < k.kernel[1]; j++) {
                const hh = a * k.stride[0] + i * k.dilation[0] - k.pads[0];
                const ww = b * k.stride[1] + j * k.dilation[1] - k.pads[1];
                if (hh < 0 || hh >= h || ww < 0 || ww >= wd) continue;
                acc += x[((s * c + ci) * h + hh) * wd + ww]! * w[((o * c + ci) * k.kernel[0] + i) * k.kernel[1] + j]!;
              }
          y[((s * f + o) * oh + a) * ow + b] = acc;
        }
  return y;
}

describe('im2col convolution', () => {
  it('equals the direct definition for every window, batches of 1, 5 and 70 (several chunks)', () => {
    const rng = new SeededRng(5);
    let checked = 0;
    for (const k of convWindows) {
      for (const n of [1, 5, 70]) {
        const p = new Program();
        const x = p.input('x', [N, k.c, k.h, k.w]);
        const w = p.input('w', [k.f, k.c, ...k.win.kernel]);
        const y = p.conv2d(x, w, k.win);
        const exe = new Executable(p, [y], { batch: n, dtype: 'float64' });
        const xb = exe.input('x');
        const wb = exe.input('w');
        for (let i = 0; i < xb.length; i++) xb[i] = rng.normal();
        for (let i = 0; i < wb.length; i++) wb[i] = rng.normal();
        exe.run();
        const want = directConv(xb as Float64Array, wb as Float64Array, n, k.c, k.h, k.w, k.f, k.win);
        const got = exe.value(y);
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-12);
        checked++;
      }
    }
    expect(checked).toBe(convWindows.length * 3);
  });
});
