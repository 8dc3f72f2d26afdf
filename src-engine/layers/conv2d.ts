/** Conv2D: learned filters slid over an image, activation(conv(x, W) + b), one output channel per filter. */
import type { ShapeResult } from './layer.ts';
import { samePadding, symmetricPads, windowOut, type Window2d } from '../tensor/window.ts';
import { activationTorch, applyActivation, type ActivationName } from './activations.ts';
import type { InitializerName } from './init.ts';
import type { GraphNode } from '../graph/document.ts';
import type { LayerDef } from './layer.ts';
import {
  activationParam,
  alphaParam,
  describe,
  initializerParamWith,
  notAnImage,
  sizeParam,
  useBiasParam,
} from './params.ts';

export const PADDINGS = ['valid', 'same', 'explicit'] as const;

/** The sliding window of a Conv2D node over an input plane of h × w. */
export function convWindow(node: GraphNode, h: number, w: number): Window2d {
  const k = Number(node.params.kernel_size);
  const s = Number(node.params.stride);
  const d = Number(node.params.dilation);
  let pads: [number, number, number, number] = [0, 0, 0, 0];
  if (node.params.padding === 'explicit') {
    const p = Number(node.params.pad);
    pads = [p, p, p, p];
  } else if (node.params.padding === 'same') {
    const [t, b] = samePadding(h, k, s, d);
    const [l, r] = samePadding(w, k, s, d);
    pads = [t, l, b, r];
  }
  return { kernel: [k, k], stride: [s, s], pads, dilation: [d, d] };
}

/** The output plane of a window over h × w, or a sentence saying why the window does not fit. */
export function windowFits(what: string, win: Window2d, h: number, w: number): [number, number] | string {
  const [oh, ow] = windowOut(win, h, w);
  if (oh >= 1 && ow >= 1) return [oh, ow];
  const span = (k: number, d: number) => d * (k - 1) + 1;
  const padded = `${h + win.pads[0] + win.pads[2]}×${w + win.pads[1] + win.pads[3]}`;
  const dil =
    win.dilation[0] > 1
      ? ` (dilated to ${span(win.kernel[0], win.dilation[0])}×${span(win.kernel[1], win.dilation[1])})`
      : '';
  return `${what}: its ${win.kernel.join('×')} window${dil} is larger than its ${h}×${w} input${padded === `${h}×${w}` ? '' : ` (${padded} with padding)`}; use a smaller kernel, padding, or fewer pooling layers before it.`;
}

export const conv2d: LayerDef = {
  spec: {
    name: 'Conv2D',
    category: 'image',
    description: 'Learned filters slid over the image: activation(conv(x, W) + b), one output channel per filter.',
    params: [
      sizeParam('filters', 'Filters', 8, 4096, 'Number of filters (output channels).'),
      sizeParam('kernel_size', 'Kernel size', 3, 64, 'Height and width of each filter.'),
      sizeParam('stride', 'Stride', 1, 64, 'Step between filter positions.'),
      {
        name: 'padding',
        label: 'Padding',
        type: 'enum',
        default: 'valid',
        options: PADDINGS,
        description:
          'valid: no padding (the image shrinks); same: zeros around so the output keeps the input size (divided by the stride); explicit: the number of zero rows and columns below.',
      },
      {
        ...sizeParam('pad', 'Pad', 0, 64, 'Zero rows and columns added on every side.'),
        visibleWhen: { param: 'padding', is: ['explicit'] },
      },
      sizeParam('dilation', 'Dilation', 1, 32, 'Spacing between the filter taps (1: adjacent pixels).'),
      useBiasParam,
      initializerParamWith('he_uniform'),
      activationParam('relu', 'Applied to conv(x, W) + b.'),
      alphaParam,
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) =>
    `${p.filters} × ${p.kernel_size}×${p.kernel_size}${Number(p.stride) > 1 ? ` /${p.stride}` : ''} · ${p.padding === 'explicit' ? `pad ${p.pad}` : p.padding} · ${p.activation}`,
  outputShape(node, [s]): ShapeResult {
    const problem = notAnImage(node, s!);
    if (problem) return { problem };
    const [, h, w] = s as [number, number, number];
    const out = windowFits(describe(node), convWindow(node, h, w), h, w);
    if (typeof out === 'string') return { problem: out };
    return { shape: [Number(node.params.filters), ...out] };
  },
  params(node, [s]) {
    const [c] = s as [number, number, number];
    const f = Number(node.params.filters);
    const k = Number(node.params.kernel_size);
    const init = node.params.initializer as InitializerName;
    return [
      { suffix: 'W', shape: [f, c, k, k], init, fanIn: c * k * k, fanOut: f * k * k, regularize: true },
      ...(node.params.use_bias
        ? [{ suffix: 'b', shape: [1, f, 1, 1], init: 'zeros' as const, fanIn: c * k * k, fanOut: f, regularize: false }]
        : []),
    ];
  },
  build({ p }, node, [x], [s], { W, b }) {
    const [, h, w] = s as [number, number, number];
    let z = p.conv2d(x!, W!, convWindow(node, h, w));
    if (b !== undefined) z = p.add(z, b);
    return { out: applyActivation(p, z, node.params.activation as ActivationName, Number(node.params.alpha)), pre: z };
  },
  torch: {
    module(node, [s]) {
      const [c, h, w] = s as [number, number, number];
      const win = convWindow(node, h, w);
      const pad = symmetricPads(win) ? `(${win.pads[0]}, ${win.pads[1]})` : '0';
      return `nn.Conv2d(${c}, ${Number(node.params.filters)}, kernel_size=${win.kernel[0]}, stride=${win.stride[0]}, padding=${pad}, dilation=${win.dilation[0]}, bias=${node.params.use_bias ? 'True' : 'False'})`;
    },
    load: (_node, t) => [
      `${t.self}.weight.copy_(torch.tensor(${t.literal('W')}))`,
      ...(t.has('b') ? [`${t.self}.bias.copy_(torch.tensor(${t.literal('b')}).reshape(-1))`] : []),
    ],
    forward(node, [src], t, [s]) {
      const [, h, w] = s as [number, number, number];
      const win = convWindow(node, h, w);
      // 'same' with an even kernel pads one more at the bottom and right than PyTorch's padding can.
      const [pt, pl, pb, pr] = win.pads;
      const input = symmetricPads(win) ? src! : `F.pad(${src}, (${pl}, ${pr}, ${pt}, ${pb}))`;
      return activationTorch(
        node.params.activation as ActivationName,
        `self.${t.self}(${input})`,
        Number(node.params.alpha),
      );
    },
    // nn.Conv2d's weight is Netwright's [filters, channels, k, k]; its bias a vector.
    params: (node, self) => ({
      W: `${self}.weight`,
      ...(node.params.use_bias ? { b: `${self}.bias.reshape(1, -1, 1, 1)` } : {}),
    }),
  },
  onnxImport: {
    ops: ['Conv'],
    read(n, ctx) {
      const ints = (name: string, def: number[]) => (ctx.attr(name)?.ints ?? def).map(Number);
      if (Number(ctx.attr('group')?.i ?? 1) !== 1) ctx.refuse('is a grouped convolution (only group 1 is supported)');
      const autoPad = new TextDecoder().decode(ctx.attr('auto_pad')?.s ?? new Uint8Array());
      if (autoPad && autoPad !== 'NOTSET' && autoPad !== 'VALID') ctx.refuse(`uses auto_pad ${autoPad}`);
      const Wt = ctx.tensor(n.input[1]!);
      if (Wt.dims.length !== 4) ctx.refuse(`has filters of rank ${Wt.dims.length}; only 2-D convolutions are imported`);
      const [f, c, kh, kw] = Wt.dims as [number, number, number, number];
      if (kh !== kw) ctx.refuse(`has ${kh}×${kw} filters; Netwright's Conv2D has square kernels`);
      const strides = ints('strides', [1, 1]);
      const dil = ints('dilations', [1, 1]);
      const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : ints('pads', [0, 0, 0, 0]);
      if (strides[0] !== strides[1]) ctx.refuse(`has strides ${strides.join('×')}; only equal strides are imported`);
      if (dil[0] !== dil[1]) ctx.refuse(`has dilations ${dil.join('×')}; only equal dilations are imported`);
      const inC = ctx.inShape.length === 3 ? ctx.inShape[0]! : -1;
      if (inC >= 0 && inC !== c) ctx.refuse(`takes ${c} channels but receives ${inC}`);
      const params: Record<string, number | string | boolean> = {
        filters: f,
        kernel_size: kh,
        stride: strides[0]!,
        dilation: dil[0]!,
        use_bias: n.input.length > 2 && n.input[2] !== '',
        initializer: 'he_uniform',
        activation: 'linear',
        alpha: 0.01,
        padding: 'valid',
        pad: 0,
      };
      if (pads.some((v) => v !== 0)) {
        if (pads.every((v) => v === pads[0])) Object.assign(params, { padding: 'explicit', pad: pads[0]! });
        else if (ctx.inShape.length === 3) {
          const probe = {
            id: 'probe',
            type: 'Conv2D' as const,
            params: { ...params, padding: 'same' },
            position: { x: 0, y: 0 },
          };
          const same = convWindow(probe, ctx.inShape[1]!, ctx.inShape[2]!).pads;
          if (same.every((v, i) => v === pads[i])) params.padding = 'same';
          else ctx.refuse(`pads [${pads.join(', ')}] unevenly`);
        } else ctx.refuse(`pads [${pads.join(', ')}] unevenly`);
      }
      const weights: Record<string, { shape: number[]; data: Float32Array }> = {
        W: { shape: [f, c, kh, kw], data: Wt.data },
      };
      if (params.use_bias) {
        const bt = ctx.tensor(n.input[2]!);
        if (bt.data.length !== f) ctx.refuse(`has a bias of ${bt.data.length} values for ${f} filters`);
        weights.b = { shape: [1, f, 1, 1], data: bt.data };
      }
      return { type: 'Conv2D', params, weights };
    },
  },
};
