/** What MaxPool2D and AvgPool2D share: a window per channel, its size, stride and padding. */
import type { Window2d } from '../tensor/window.ts';
import type { GraphNode } from '../graph/document.ts';
import { windowFits } from './conv2d.ts';
import type { LayerDef, LayerSpec } from './layer.ts';
import { describe, notAnImage, sizeParam } from './params.ts';

/** The pooling window of a node. */
export function poolWindow(node: GraphNode): Window2d {
  const k = Number(node.params.pool_size);
  const s = Number(node.params.stride);
  const p = Number(node.params.padding);
  return { kernel: [k, k], stride: [s, s], pads: [p, p, p, p], dilation: [1, 1] };
}

export function poolSpec(name: string, what: string): LayerSpec {
  return {
    name,
    category: 'image',
    description: `${what} of each window of each channel: shrinks the image, keeps the channels.`,
    params: [
      sizeParam('pool_size', 'Pool size', 2, 32, 'Height and width of each window.'),
      sizeParam('stride', 'Stride', 2, 32, 'Step between windows (equal to the pool size: windows do not overlap).'),
      sizeParam('padding', 'Padding', 0, 16, 'Rows and columns added on every side (at most half the pool size).'),
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  };
}

export function poolLayer(
  spec: LayerSpec,
  op: 'maxPool2d' | 'avgPool2d',
  torch: { module: string; onnx: string },
): LayerDef {
  return {
    spec,
    summary: (p) =>
      `${p.pool_size}×${p.pool_size}${Number(p.stride) !== Number(p.pool_size) ? ` stride ${p.stride}` : ''}${Number(p.padding) ? ` pad ${p.padding}` : ''}`,
    outputShape(node, [s]) {
      const problem = notAnImage(node, s!);
      if (problem) return { problem };
      const win = poolWindow(node);
      if (2 * win.pads[0] > win.kernel[0])
        return {
          problem: `${describe(node)}: padding ${win.pads[0]} is more than half its ${win.kernel[0]}×${win.kernel[0]} window.`,
        };
      const [c, h, w] = s as [number, number, number];
      const out = windowFits(describe(node), win, h, w);
      return typeof out === 'string' ? { problem: out } : { shape: [c, ...out] };
    },
    build: ({ p }, node, [x]) => ({ out: p[op](x!, poolWindow(node)) }),
    torch: {
      module: (node) => {
        const win = poolWindow(node);
        return `nn.${torch.module}(kernel_size=${win.kernel[0]}, stride=${win.stride[0]}, padding=${win.pads[0]})`;
      },
      forward: (_node, [src], t) => `self.${t.self}(${src})`,
    },
    onnxImport: {
      ops: [torch.onnx],
      read(n, ctx) {
        const ints = (name: string, def: number[]) => (ctx.attr(name)?.ints ?? def).map(Number);
        const k = ints('kernel_shape', []);
        const strides = ints('strides', [1, 1]);
        const pads = ints('pads', [0, 0, 0, 0]);
        if (k.length !== 2 || k[0] !== k[1])
          ctx.refuse(`pools ${k.join('×')} windows; only square 2-D windows are imported`);
        if (strides[0] !== strides[1]) ctx.refuse(`has strides ${strides.join('×')}; only equal strides are imported`);
        if (!pads.every((v) => v === pads[0])) ctx.refuse(`pads [${pads.join(', ')}] unevenly`);
        if (Number(ctx.attr('ceil_mode')?.i ?? 0) !== 0) ctx.refuse('rounds its output size up (ceil_mode)');
        if (ints('dilations', [1, 1]).some((d) => d !== 1)) ctx.refuse('has dilated windows');
        if (n.output.length > 1 && n.output[1]) ctx.refuse('outputs the indices of its maxima');
        if (torch.onnx === 'AveragePool' && pads[0] && Number(ctx.attr('count_include_pad')?.i ?? 0) !== 1)
          ctx.refuse('leaves padding out of its averages (Netwright counts it, as PyTorch does by default)');
        return {
          type: spec.name,
          params: { pool_size: k[0]!, stride: strides[0]!, padding: pads[0]! },
          weights: {},
        };
      },
    },
  };
}
