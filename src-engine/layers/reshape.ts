/** Reshape: the same values as an image of another shape (e.g. 784 features as 1 × 28 × 28). */
import { BATCH } from '../backprop/ir.ts';
import type { ImportedLayer, LayerDef } from './layer.ts';
import { describe, elements, shapeText, sizeParam } from './params.ts';

const target = (p: Record<string, unknown>) => [Number(p.channels), Number(p.height), Number(p.width)];

export const reshape: LayerDef = {
  spec: {
    name: 'Reshape',
    category: 'image',
    description: 'The same values as an image of channels × height × width (e.g. 784 pixels as 1 × 28 × 28).',
    params: [
      sizeParam('channels', 'Channels', 1, 4096, 'Channels of the image.'),
      sizeParam('height', 'Height', 28, 4096, 'Rows of the image.'),
      sizeParam('width', 'Width', 28, 4096, 'Columns of the image.'),
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) => `to ${shapeText(target(p))}`,
  outputShape(node, [s]) {
    const t = target(node.params);
    if (elements(t) !== elements(s!))
      return {
        problem: `${describe(node)} makes ${shapeText(t)} = ${elements(t)} values from ${shapeText(s!)} = ${elements(s!)}; the counts must be equal.`,
      };
    return { shape: t };
  },
  build: ({ p }, node, [x]) => ({ out: p.reshape(x!, [BATCH, ...target(node.params)]) }),
  torch: { forward: (node, [src]) => `${src}.reshape(-1, ${target(node.params).join(', ')})` },
  onnxImport: {
    ops: ['Reshape'],
    read(n, ctx): ImportedLayer | null {
      const dims = Array.from(ctx.tensor(n.input[1]!).data, Number);
      const rest = dims.slice(1);
      // [N, features]: a flatten; [N, C, H, W] with known sizes: this layer.
      if (rest.length === 1 && (rest[0] === -1 || rest[0] === elements(ctx.inShape)))
        return ctx.inShape.length <= 1 ? null : { type: 'Flatten', params: {}, weights: {} };
      if (rest.length === 3 && rest.every((d) => d > 0))
        return { type: 'Reshape', params: { channels: rest[0]!, height: rest[1]!, width: rest[2]! }, weights: {} };
      return ctx.refuse(`reshapes to [${dims.join(', ')}]`);
    },
  },
};
