/** Dropout: during training, zeroes each value with probability `rate` and rescales the rest. */
import { BATCH } from '../backprop/ir.ts';
import type { LayerDef } from './layer.ts';
import { pyNumber } from '../backprop/ops/elementwise.ts';

export const dropout: LayerDef = {
  spec: {
    name: 'Dropout',
    category: 'core',
    description: 'During training, zeroes each value with probability rate (and rescales the rest).',
    params: [
      {
        name: 'rate',
        label: 'Rate',
        type: 'float',
        default: 0.2,
        min: 0,
        max: 0.95,
        description: 'Probability of dropping a value.',
      },
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) => `rate ${p.rate}`,
  outputShape: (_node, [s]) => ({ shape: s! }),
  build(ctx, node, [x], [shape]) {
    const rate = Number(node.params.rate);
    if (!ctx.training || rate === 0) return { out: x! };
    const name = `${node.id}.mask`;
    const input = ctx.p.input(name, [BATCH, ...shape!]);
    ctx.masks.push({ name, nodeId: node.id, rate, shape: [BATCH, ...shape!], input });
    return { out: ctx.p.mul(x!, input) };
  },
  torch: {
    module: (node) => `nn.Dropout(p=${pyNumber(Number(node.params.rate))})`,
    // Netwright's own masks when given (a training script reproducing a Netwright run), else PyTorch's.
    forward: (node, [src], t) =>
      `(self.${t.self}(${src}) if masks is None else ${src} * masks[${JSON.stringify(`${node.id}.mask`)}])`,
  },
  // Nothing happens at inference time.
  onnxImport: { ops: ['Dropout'], read: () => null },
};
