/** Input: the features of one sample, after preprocessing (the program's input `x`). */
import { BATCH } from '../backprop/ir.ts';
import type { LayerDef } from './layer.ts';

export const input: LayerDef = {
  spec: {
    name: 'Input',
    category: 'inputs',
    description: 'The features of one sample, after preprocessing.',
    params: [
      {
        name: 'features',
        label: 'Features',
        type: 'int',
        default: 2,
        min: 1,
        max: 1_000_000,
        description: 'Number of input features.',
      },
    ],
    inputs: { min: 0, max: 0 },
    hasOutput: true,
  },
  outputShape: (node) => ({ shape: [Number(node.params.features)] }),
  build: ({ p }, node) => ({ out: p.input('x', [BATCH, Number(node.params.features)]) }),
  torch: { forward: () => 'x' },
};
