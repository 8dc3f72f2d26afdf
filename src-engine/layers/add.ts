/** Add: the element-wise sum of inputs of one shape (residual connections). */
import type { LayerDef } from './layer.ts';
import { describe, shapeText } from './params.ts';

export const add: LayerDef = {
  spec: {
    name: 'Add',
    category: 'merge',
    description: 'Element-wise sum of inputs of the same size (residual connections).',
    params: [],
    inputs: { min: 2, max: 16 },
    hasOutput: true,
  },
  outputShape(node, shapes, sources) {
    const first = shapes[0]!;
    if (shapes.some((s) => shapeText(s) !== shapeText(first))) {
      const parts = shapes.map((s, i) => `${sources[i]} gives ${shapeText(s)}`);
      return { problem: `${describe(node)} adds inputs of different sizes (${parts.join(', ')}); all must be equal.` };
    }
    return { shape: first };
  },
  build: ({ p }, _node, inputs) => ({ out: inputs.slice(1).reduce((acc, v) => p.add(acc, v), inputs[0]!) }),
  torch: { forward: (_node, srcs) => srcs.join(' + ') },
};
