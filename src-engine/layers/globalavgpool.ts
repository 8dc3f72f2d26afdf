/** GlobalAveragePool: the mean of each channel over the whole image, a vector of channels. */
import { BATCH } from '../backprop/ir.ts';
import type { LayerDef } from './layer.ts';
import { notAnImage } from './params.ts';

export const globalAvgPool: LayerDef = {
  spec: {
    name: 'GlobalAveragePool',
    category: 'image',
    description: 'The mean of each channel over the whole image: one value per channel.',
    params: [],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: () => 'mean per channel',
  outputShape(node, [s]) {
    const problem = notAnImage(node, s!);
    return problem ? { problem } : { shape: [s![0]!] };
  },
  build: ({ p }, _node, [x], [s]) => ({ out: p.reshape(p.globalAvgPool(x!), [BATCH, s![0]!]) }),
  torch: { forward: (_node, [src]) => `${src}.mean(dim=(2, 3))` },
  onnxImport: { ops: ['GlobalAveragePool'], read: () => ({ type: 'GlobalAveragePool', params: {}, weights: {} }) },
};
