/** Concatenate: inputs side by side (features, or channels of images of one size). */
import type { LayerDef } from './layer.ts';
import { describe, shapeText } from './params.ts';

export const concatenate: LayerDef = {
  spec: {
    name: 'Concatenate',
    category: 'merge',
    description: 'Joins inputs side by side; the output has the sum of their sizes.',
    params: [],
    inputs: { min: 2, max: 16 },
    hasOutput: true,
  },
  outputShape(node, shapes, sources) {
    const rest = (s: readonly number[]) => shapeText(s.slice(1));
    if (shapes.some((s) => s.length !== shapes[0]!.length || rest(s) !== rest(shapes[0]!))) {
      const parts = shapes.map((s, i) => `${sources[i]} gives ${shapeText(s)}`);
      return {
        problem: `${describe(node)} joins inputs whose shapes differ beyond their first dimension (${parts.join(', ')}).`,
      };
    }
    return { shape: [shapes.reduce((a, s) => a + s[0]!, 0), ...shapes[0]!.slice(1)] };
  },
  build: ({ p }, _node, inputs) => ({ out: p.concat(inputs) }),
  torch: { forward: (_node, srcs) => `torch.cat([${srcs.join(', ')}], dim=1)` },
};
