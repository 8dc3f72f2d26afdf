/**
 * Input: one sample after preprocessing (the program's input `x`), either a vector of features or
 * an image of channels × height × width (pixels stored channel by channel, row by row).
 */
import { BATCH } from '../backprop/ir.ts';
import type { GraphNode } from '../graph/document.ts';
import type { LayerDef, SampleShape } from './layer.ts';
import { sizeParam } from './params.ts';

export const INPUT_SHAPES = ['features', 'image'] as const;

/** The per-sample shape an Input node declares. */
export function inputShape(node: GraphNode): SampleShape {
  const p = node.params;
  return p.shape === 'image' ? [Number(p.channels), Number(p.height), Number(p.width)] : [Number(p.features)];
}

const image = { param: 'shape', is: ['image'] } as const;

export const input: LayerDef = {
  spec: {
    name: 'Input',
    category: 'inputs',
    description: 'One sample after preprocessing: a vector of features, or an image.',
    params: [
      {
        name: 'shape',
        label: 'Shape',
        type: 'enum',
        default: 'features',
        options: INPUT_SHAPES,
        description: 'A vector of features (tables), or an image of channels × height × width (for convolutions).',
      },
      {
        name: 'features',
        label: 'Features',
        type: 'int',
        default: 2,
        min: 1,
        max: 1_000_000,
        description: 'Number of input features.',
        visibleWhen: { param: 'shape', is: ['features'] },
      },
      { ...sizeParam('channels', 'Channels', 1, 4096, 'Colour channels (1: grey, 3: RGB).'), visibleWhen: image },
      { ...sizeParam('height', 'Height', 28, 4096, 'Rows of pixels.'), visibleWhen: image },
      { ...sizeParam('width', 'Width', 28, 4096, 'Columns of pixels.'), visibleWhen: image },
    ],
    inputs: { min: 0, max: 0 },
    hasOutput: true,
  },
  summary: (p) => (p.shape === 'image' ? `image ${p.channels}×${p.height}×${p.width}` : `${p.features} features`),
  outputShape: (node) => ({ shape: inputShape(node) }),
  build: ({ p }, node) => ({ out: p.input('x', [BATCH, ...inputShape(node)]) }),
  torch: {
    forward: (node) => {
      const s = inputShape(node);
      return s.length === 1 ? 'x' : `x.reshape(-1, ${s.join(', ')})`;
    },
  },
};
