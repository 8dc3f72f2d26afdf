/**
 * The image ops, one record each like ./structural.ts: convolution and its two gradients, max and
 * average pooling and their gradients, global average pooling and inference-mode batch
 * normalisation. The gradients are ops of their own so that the ONNX training step can say them in
 * standard operators (onnxruntime's inference builds have no gradient ops):
 *
 * - d/dx of a convolution is ConvTranspose with the same filters (their layout [F, C, KH, KW] is
 *   ConvTranspose's [C_in, C_out, KH, KW]), with output_padding restoring the input size;
 * - d/dw is a Conv of the input (channels as the batch) by the upstream gradient (the batch as its
 *   channels), with stride and dilation swapped, then cropped to the kernel;
 * - max pooling routes g to each window's first maximum. Portably (target 'portable', what GPU
 *   providers get: ONNX Runtime's WebGPU MaxPool has no Indices output) by a mask: the windows on
 *   an axis of their own (a reshape where they tile the image, else a Conv with one-hot filters),
 *   the one-hot of the first maximum (float ops only) times g, spread back (the inverse reshape, or the
 *   ConvTranspose of those filters). On ONNX Runtime's CPU provider (target 'cpu') by MaxPool's
 *   Indices: MaxUnpool where windows do not overlap, else ScatterElements (reduction add);
 * - average pooling spreads g with a ConvTranspose of constant 1 / (KH·KW) filters per channel.
 */
import { conv2dFilterGradKernel, conv2dInputGradKernel, conv2dKernel, type ConvDims } from '../../tensor/conv.ts';
import {
  avgPoolGradKernel,
  avgPoolKernel,
  maxPoolGradKernel,
  maxPoolKernel,
  type PoolDims,
} from '../../tensor/pool.ts';
import type { Window2d } from '../../tensor/window.ts';
import type { GraphBuilder } from '../../onnx/builder.ts';
import { tensorProto } from '../../onnx/builder.ts';
import type { OpTable } from './types.ts';

type ImageOps =
  | 'conv2d'
  | 'conv2dInputGrad'
  | 'conv2dFilterGrad'
  | 'maxPool2d'
  | 'maxPool2dGrad'
  | 'avgPool2d'
  | 'avgPool2dGrad'
  | 'globalAvgPool'
  | 'batchNorm';

const convDims = (x: number[], f: number, y: number[], win: Window2d): ConvDims => ({
  n: x[0]!,
  c: x[1]!,
  h: x[2]!,
  w: x[3]!,
  f,
  oh: y[2]!,
  ow: y[3]!,
  win,
});

const poolDims = (x: number[], y: number[], win: Window2d): PoolDims => ({
  planes: x[0]! * x[1]!,
  h: x[2]!,
  w: x[3]!,
  oh: y[2]!,
  ow: y[3]!,
  win,
});

const ones = (w: readonly number[]) => w.every((v) => v === 1);

/** ONNX attributes of a window (dilations only when not 1: AveragePool has none before opset 19). */
function windowAttrs(win: Window2d): Record<string, number[]> {
  return {
    kernel_shape: [...win.kernel],
    strides: [...win.stride],
    pads: [...win.pads],
    ...(ones(win.dilation) ? {} : { dilations: [...win.dilation] }),
  };
}

/** ConvTranspose's output_padding that gives back an input plane of h × w from an output plane of oh × ow. */
function outputPadding(win: Window2d, h: number, w: number, oh: number, ow: number): number[] {
  const size = (o: number, k: number, s: number, p0: number, p1: number, d: number) =>
    s * (o - 1) + (k - 1) * d + 1 - p0 - p1;
  return [
    h - size(oh, win.kernel[0], win.stride[0], win.pads[0], win.pads[2], win.dilation[0]),
    w - size(ow, win.kernel[1], win.stride[1], win.pads[1], win.pads[3], win.dilation[1]),
  ];
}

/**
 * ConvTranspose of `inputs` ([value, filters]) with the window's attributes, sized to give back an
 * input plane of h × w from an output plane of oh × ow: the adjoint of sliding the window.
 */
function convTranspose(
  b: GraphBuilder,
  inputs: [string, string],
  win: Window2d,
  [h, w, oh, ow]: readonly number[],
  hint: string,
): string {
  const pad = outputPadding(win, h!, w!, oh!, ow!);
  return b.op1(
    'ConvTranspose',
    inputs,
    { ...windowAttrs(win), ...(pad.some((v) => v !== 0) ? { output_padding: pad } : {}) },
    hint,
  );
}

/**
 * The pooling gradients' common last step: per-window values of every plane ([N·C, taps, OH, OW],
 * one channel per kernel tap, or [N·C, 1, OH, OW] for a filter shared by all taps) spread back onto
 * the [N, C, H, W] input by the ConvTranspose of `filter` (summing where windows overlap, cropping
 * pads).
 */
function spreadWindows(
  b: GraphBuilder,
  windows: string,
  filter: string,
  win: Window2d,
  xShape: readonly number[],
  gShape: readonly number[],
  hint: string,
): string {
  const [, c, h, w] = xShape as [number, number, number, number];
  const [, , oh, ow] = gShape as [number, number, number, number];
  const spread = convTranspose(b, [windows, filter], win, [h, w, oh, ow], `${hint}_spread`);
  return b.op1('Reshape', [spread, b.int64([-1, c, h, w])], {}, hint);
}

/** Windows that tile the image: kernel = stride, no padding or dilation (the usual 2×2, stride 2). */
function tiling(win: Window2d): boolean {
  return (
    win.kernel[0] === win.stride[0] &&
    win.kernel[1] === win.stride[1] &&
    win.pads.every((p) => p === 0) &&
    ones(win.dilation)
  );
}

/**
 * 1 at the first maximum along `axis` (of length `taps`: the last axis, or axis 1 of a 4-D value),
 * 0 elsewhere, in float operators only: the maxima by Equal to ReduceMax, then those with an earlier
 * maximum dropped (the count of earlier ones by a MatMul, or a 1×1 Conv, with a strictly triangular
 * 0/1 matrix). ArgMax would give an int64 index that ONNX Runtime's WebGPU provider cannot compare
 * or cast on the device: it would be copied to the CPU mid-graph.
 */
function firstMaxOneHot(b: GraphBuilder, v: string, axis: number, taps: number, last: boolean, hint: string): string {
  const to = b.elem === 'float64' ? 11 : 1;
  const max = b.op1('ReduceMax', [v], { axes: [axis], keepdims: 1 }, `${hint}_max`);
  const isMax = b.op1('Cast', [b.op1('Equal', [v, max], {}, `${hint}_eq`)], { to }, `${hint}_ismax`);
  // earlier[s, t] = 1 where s < t.
  const earlier = Array.from({ length: taps * taps }, (_, i) => (Math.floor(i / taps) < i % taps ? 1 : 0));
  const before = last
    ? b.op1('MatMul', [isMax, b.constant(earlier, [taps, taps])], {}, `${hint}_before`)
    : b.op1(
        'Conv',
        [isMax, b.constant(transposed(earlier, taps), [taps, taps, 1, 1])],
        { kernel_shape: [1, 1] },
        `${hint}_before`,
      );
  const none = b.op1('Relu', [b.op1('Sub', [b.constant([1]), before], {}, `${hint}_1m`)], {}, `${hint}_none`);
  return b.op1('Mul', [isMax, none], {}, `${hint}_mask`);
}

/** A square matrix of side n, transposed (row-major in, row-major out). */
function transposed(m: readonly number[], n: number): number[] {
  return Array.from({ length: n * n }, (_, i) => m[(i % n) * n + Math.floor(i / n)]!);
}

/**
 * dx of a tiling max pool in portable operators: each window's values on an axis of their own, the
 * one-hot of their first maximum (as the other engines pick it) times g; rows and
 * columns past the last whole window get zero.
 */
function firstMaxMask(
  b: GraphBuilder,
  x: string,
  g: string,
  xShape: readonly number[],
  gShape: readonly number[],
  win: Window2d,
  hint: string,
): string {
  const [, c, h, w] = xShape as [number, number, number, number];
  const [, , oh, ow] = gShape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const cropped = oh * kh !== h || ow * kw !== w;
  const xc = cropped
    ? b.op1('Slice', [x, b.int64([0, 0]), b.int64([oh * kh, ow * kw]), b.int64([2, 3])], {}, `${hint}_crop`)
    : x;
  // [N, C, OH, kh, OW, kw] -> [N, C, OH, OW, kh·kw]
  const x6 = b.op1('Reshape', [xc, b.int64([0, c, oh, kh, ow, kw])], {}, `${hint}_x6`);
  const xt = b.op1('Transpose', [x6], { perm: [0, 1, 2, 4, 3, 5] }, `${hint}_xt`);
  const x5 = b.op1('Reshape', [xt, b.int64([0, c, oh, ow, kh * kw])], {}, `${hint}_x5`);
  const mask = firstMaxOneHot(b, x5, 4, kh * kw, true, hint);
  const d5 = b.op1('Mul', [mask, b.op1('Unsqueeze', [g, b.int64([4])], {}, `${hint}_g5`)], {}, `${hint}_d5`);
  const d6 = b.op1('Reshape', [d5, b.int64([0, c, oh, ow, kh, kw])], {}, `${hint}_d6`);
  const dt = b.op1('Transpose', [d6], { perm: [0, 1, 2, 4, 3, 5] }, `${hint}_dt`);
  const dx = b.op1('Reshape', [dt, b.int64([0, c, oh * kh, ow * kw])], {}, cropped ? `${hint}_inner` : hint);
  return cropped ? b.op1('Pad', [dx, b.int64([0, 0, 0, 0, 0, 0, h - oh * kh, w - ow * kw])], {}, hint) : dx;
}

/**
 * dx of any max pool in portable operators: every plane's windows gathered by a Conv with one-hot
 * filters (one output channel per kernel tap, on the input padded with the lowest finite value so
 * pads never win), the one-hot of their first maximum (in window order) times g, spread
 * back by the ConvTranspose of the same filters (which sums where windows overlap and crops pads).
 */
function windowsMask(
  b: GraphBuilder,
  x: string,
  g: string,
  xShape: readonly number[],
  gShape: readonly number[],
  win: Window2d,
  hint: string,
): string {
  const [, , h, w] = xShape as [number, number, number, number];
  const [, , oh, ow] = gShape as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const taps = kh * kw;
  const filter = b.constant(
    Array.from({ length: taps * taps }, (_, i) => (Math.floor(i / taps) === i % taps ? 1 : 0)),
    [taps, 1, kh, kw],
  );
  let planes = b.op1('Reshape', [x, b.int64([-1, 1, h, w])], {}, `${hint}_planes`);
  const [top, left, bottom, right] = win.pads;
  if (win.pads.some((v) => v !== 0)) {
    const lowest = b.elem === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
    planes = b.op1(
      'Pad',
      [planes, b.int64([0, 0, top, left, 0, 0, bottom, right]), b.constant([lowest], [])],
      {},
      `${hint}_padded`,
    );
  }
  const windows = b.op1(
    'Conv',
    [planes, filter],
    {
      kernel_shape: [kh, kw],
      strides: [...win.stride],
      ...(ones(win.dilation) ? {} : { dilations: [...win.dilation] }),
    },
    `${hint}_windows`,
  );
  const mask = firstMaxOneHot(b, windows, 1, taps, false, hint);
  const gp = b.op1('Reshape', [g, b.int64([-1, 1, oh, ow])], {}, `${hint}_gplanes`);
  const routed = b.op1('Mul', [mask, gp], {}, `${hint}_routed`);
  return spreadWindows(b, routed, filter, win, xShape, gShape, hint);
}

/** Windows that never share an input (stride at least the dilated kernel, e.g. the usual 2×2, stride 2). */
function disjoint(win: Window2d): boolean {
  return [0, 1].every((a) => win.stride[a]! >= win.dilation[a]! * (win.kernel[a]! - 1) + 1);
}

function transposeNC(b: GraphBuilder, v: string, hint: string): string {
  return b.op1('Transpose', [v], { perm: [1, 0, 2, 3] }, hint);
}

export const IMAGE_OPS: Pick<OpTable, ImageOps> = {
  conv2d: {
    grad: (p, n, g) => {
      const [x, w] = n.inputs as [number, number];
      const win = n.op.win;
      return [p.conv2dInputGrad(g, w, win, p.shape(x)), p.conv2dFilterGrad(x, g, win, p.shape(w))];
    },
    kernel: ({ node, x: [x, w], xd: [xd, wd], y, yd }) =>
      conv2dKernel(x!, w!, y, convDims(xd!, wd![0]!, yd, node.op.win)),
    onnx: (e) => e.b.op1('Conv', [e.inp[0]!, e.inp[1]!], windowAttrs(e.node.op.win), e.hint),
  },

  // dx = convT(g, w) is linear in g and in w: its gradients are a convolution and a filter gradient.
  conv2dInputGrad: {
    grad: (p, n, G) => {
      const [g, w] = n.inputs as [number, number];
      const win = n.op.win;
      return [p.conv2d(G, w, win), p.conv2dFilterGrad(G, g, win, p.shape(w))];
    },
    kernel: ({ node, x: [g, w], xd: [gd, wd], y, yd }) =>
      conv2dInputGradKernel(g!, w!, y, convDims(yd, wd![0]!, gd!, node.op.win)),
    onnx: (e) => {
      const [, , h, w] = e.node.shape as [number, number, number, number];
      const [, , oh, ow] = e.program.shape(e.node.inputs[0]!) as [number, number, number, number];
      return convTranspose(e.b, [e.inp[0]!, e.inp[1]!], e.node.op.win, [h, w, oh, ow], e.hint);
    },
  },

  // dw = Σ x ⋆ g is bilinear in x and g.
  conv2dFilterGrad: {
    grad: (p, n, G) => {
      const [x, g] = n.inputs as [number, number];
      const win = n.op.win;
      return [p.conv2dInputGrad(g, G, win, p.shape(x)), p.conv2d(x, G, win)];
    },
    kernel: ({ node, x: [x, g], xd: [xd, gd], y, yd }) =>
      conv2dFilterGradKernel(x!, g!, y, convDims(xd!, yd[0]!, gd!, node.op.win)),
    onnx: (e) => {
      const win = e.node.op.win;
      const [, , kh, kw] = e.node.shape as [number, number, number, number];
      const [, , oh, ow] = e.program.shape(e.node.inputs[1]!) as [number, number, number, number];
      const xt = transposeNC(e.b, e.inp[0]!, `${e.hint}_xT`);
      const gt = transposeNC(e.b, e.inp[1]!, `${e.hint}_gT`);
      // Output [C, F, ≥KH, ≥KW]: the input slides under g with the conv's dilation as its stride.
      let dw = e.b.op1(
        'Conv',
        [xt, gt],
        {
          kernel_shape: [oh, ow],
          strides: [...win.dilation],
          dilations: [...win.stride],
          pads: [...win.pads],
        },
        `${e.hint}_cf`,
      );
      dw = e.b.op1('Slice', [dw, e.b.int64([0, 0]), e.b.int64([kh, kw]), e.b.int64([2, 3])], {}, `${e.hint}_crop`);
      return transposeNC(e.b, dw, e.hint);
    },
  },

  maxPool2d: {
    grad: (p, n, g) => [p.maxPool2dGrad(n.inputs[0]!, g, n.op.win)],
    kernel: ({ node, x: [x], xd: [xd], y, yd }) => maxPoolKernel(x!, y, poolDims(xd!, yd, node.op.win)),
    onnx: (e) => e.b.op1('MaxPool', [e.inp[0]!], windowAttrs(e.node.op.win), e.hint),
  },

  maxPool2dGrad: {
    grad: (_p, n) => {
      throw new Error(`No gradient rule for maxPool2dGrad (node ${n.id}): second derivatives of max pooling`);
    },
    kernel: ({ node, x: [x, g], xd: [xd, gd], y }) => maxPoolGradKernel(x!, g!, y, poolDims(xd!, gd!, node.op.win)),
    onnx: (e) => {
      const b = e.b;
      const [x, g] = e.inp as [string, string];
      const win = e.node.op.win;
      if (e.target === 'portable') {
        const gShape = e.program.shape(e.node.inputs[1]!);
        return tiling(win)
          ? firstMaxMask(b, x, g, e.node.shape, gShape, win, e.hint)
          : windowsMask(b, x, g, e.node.shape, gShape, win, e.hint);
      }
      const indices = b.op('MaxPool', [x], windowAttrs(win), 2, `${e.hint}_argmax`)[1]!;
      const shape = b.op1('Shape', [x], {}, `${e.hint}_shape`);
      // Windows that do not overlap: each index at most once, which is what MaxUnpool places.
      if (disjoint(win)) return b.op1('MaxUnpool', [g, indices, shape], windowAttrs(win), e.hint);
      // Indices count over the whole input tensor (N, C, H, W flattened): scatter into a flat zero tensor.
      const total = b.op1('ReduceProd', [shape], { keepdims: 1 }, `${e.hint}_size`);
      const zeros = b.op1(
        'ConstantOfShape',
        [total],
        { value: { tensor: tensorProto('value', [1], [0], b.elem) } },
        `${e.hint}_zeros`,
      );
      const flat = (v: string, h: string) => b.op1('Reshape', [v, b.int64([-1])], {}, h);
      const summed = b.op1(
        'ScatterElements',
        [zeros, flat(indices, `${e.hint}_idx`), flat(g, `${e.hint}_g`)],
        { axis: 0, reduction: 'add' },
        `${e.hint}_flat`,
      );
      return b.op1('Reshape', [summed, shape], {}, e.hint);
    },
  },

  avgPool2d: {
    grad: (p, n, g) => [p.avgPool2dGrad(g, n.op.win, p.shape(n.inputs[0]!))],
    kernel: ({ node, x: [x], xd: [xd], y, yd }) => avgPoolKernel(x!, y, poolDims(xd!, yd, node.op.win)),
    onnx: (e) => {
      if (!ones(e.node.op.win.dilation)) throw new Error('ONNX opset 17 has no dilated average pooling');
      return e.b.op1('AveragePool', [e.inp[0]!], { ...windowAttrs(e.node.op.win), count_include_pad: 1 }, e.hint);
    },
  },

  // The adjoint of a linear map: its gradient is the map itself.
  avgPool2dGrad: {
    grad: (p, n, G) => [p.avgPool2d(G, n.op.win)],
    kernel: ({ node, x: [g], xd: [gd], y, yd }) => avgPoolGradKernel(g!, y, poolDims(yd, gd!, node.op.win)),
    onnx: (e) => {
      const win = e.node.op.win;
      const b = e.b;
      const gShape = e.program.shape(e.node.inputs[0]!);
      const [, , oh, ow] = gShape as [number, number, number, number];
      const [kh, kw] = win.kernel;
      // Every channel on its own: [N·C, 1, OH, OW], spread by one constant filter.
      const planes = b.op1('Reshape', [e.inp[0]!, b.int64([-1, 1, oh, ow])], {}, `${e.hint}_planes`);
      const filter = b.constant(new Array<number>(kh * kw).fill(1 / (kh * kw)), [1, 1, kh, kw]);
      return spreadWindows(b, planes, filter, win, e.node.shape, gShape, e.hint);
    },
  },

  globalAvgPool: {
    grad: (p, n, g) => {
      const s = p.shape(n.inputs[0]!);
      return [p.scale(p.broadcastTo(g, s), 1 / (s[2]! * s[3]!))];
    },
    kernel: ({ x: [x], xd: [xd], y }) => {
      const planes = xd![0]! * xd![1]!;
      const area = xd![2]! * xd![3]!;
      const src = x!;
      return () => {
        for (let q = 0, o = 0; q < planes; q++) {
          let s = 0;
          for (let i = 0; i < area; i++, o++) s += src[o]!;
          y[q] = s / area;
        }
      };
    },
    onnx: (e) => e.b.op1('GlobalAveragePool', [e.inp[0]!], {}, e.hint),
  },

  batchNorm: {
    grad: (p, n, g) => {
      const [x, scale, bias, mean, variance] = n.inputs as [number, number, number, number, number];
      const inv = p.div(p.const(1), p.sqrt(p.add(variance, p.const(n.op.eps))));
      const centred = p.sub(x, mean);
      const gx = p.mul(g, p.mul(scale, inv));
      return [
        gx,
        p.sumTo(p.mul(g, p.mul(centred, inv)), p.shape(scale)),
        p.sumTo(g, p.shape(bias)),
        p.sumTo(p.neg(gx), p.shape(mean)),
        p.sumTo(p.mul(p.mul(gx, centred), p.scale(p.square(inv), -0.5)), p.shape(variance)),
      ];
    },
    kernel: ({ node, x: [x, scale, bias, mean, variance], xd: [xd], y }) => {
      const [rows, c] = xd as [number, number];
      const inner = xd!.slice(2).reduce((a, b) => a * b, 1);
      const eps = node.op.eps;
      const src = x!;
      return () => {
        for (let ch = 0; ch < c; ch++) {
          const k = scale![ch]! / Math.sqrt(variance![ch]! + eps);
          const m = mean![ch]!;
          const b0 = bias![ch]!;
          for (let r = 0; r < rows; r++) {
            const o = (r * c + ch) * inner;
            for (let i = 0; i < inner; i++) y[o + i] = (src[o + i]! - m) * k + b0;
          }
        }
      };
    },
    onnx: (e) => {
      const c = e.node.shape[1]!;
      const perChannel = (v: string, k: number) => e.b.op1('Reshape', [v, e.b.int64([c])], {}, `${e.hint}_${k}`);
      return e.b.op1(
        'BatchNormalization',
        [e.inp[0]!, ...e.inp.slice(1).map(perChannel)],
        { epsilon: { f: e.node.op.eps } },
        e.hint,
      );
    },
  },
};
