/** Softmax: scores to probabilities that sum to 1 (over the features of each sample). */
import type { LayerDef } from './layer.ts';
import { describe, shapeText } from './params.ts';

export const softmax: LayerDef = {
  spec: {
    name: 'Softmax',
    category: 'activations',
    description: 'Turns scores into probabilities that sum to 1.',
    params: [],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  outputShape: (node, [s]) =>
    s!.length === 1
      ? { shape: s! }
      : { problem: `${describe(node)} normalises a vector of scores but receives ${shapeText(s!)}: flatten it first.` },
  build: ({ p }, _node, [x]) => ({ out: p.softmax(x!), pre: x! }),
  torch: { forward: (_node, [src]) => `torch.softmax(${src}, dim=1)` },
};
