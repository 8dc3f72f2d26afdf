/** Flatten: an image's channels, rows and columns laid out as one vector (for Dense layers). */
import { BATCH } from '../backprop/ir.ts';
import type { LayerDef } from './layer.ts';
import { elements } from './params.ts';

export const flatten: LayerDef = {
  spec: {
    name: 'Flatten',
    category: 'image',
    description: 'Lays an image out as one vector of values (channel by channel, row by row), for Dense layers.',
    params: [],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: () => 'to a vector',
  outputShape: (_node, [s]) => ({ shape: [elements(s!)] }),
  build: ({ p }, _node, [x], [s]) => ({ out: p.reshape(x!, [BATCH, elements(s!)]) }),
  torch: { forward: (_node, [src]) => `torch.flatten(${src}, 1)` },
  onnxImport: {
    ops: ['Flatten'],
    read(_n, ctx) {
      if (Number(ctx.attr('axis')?.i ?? 1) !== 1) ctx.refuse('flattens from an axis other than 1');
      // Already a vector: nothing to do.
      return ctx.inShape.length <= 1 ? null : { type: 'Flatten', params: {}, weights: {} };
    },
  },
};
