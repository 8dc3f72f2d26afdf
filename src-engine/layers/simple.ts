/** Layers without weights: Input, Activation, Softmax, Dropout, Add, Concatenate. */
import type { ActivationName } from '../graph/catalog.ts';
import { BATCH } from '../backprop/ir.ts';
import { applyActivation } from './activation.ts';
import type { LayerBuilder } from './layer.ts';

export const activation: LayerBuilder = {
  build: ({ p }, node, [x]) => ({
    out: applyActivation(p, x!, node.params.activation as ActivationName, Number(node.params.alpha)),
    pre: x!,
  }),
};

export const softmax: LayerBuilder = {
  build: ({ p }, _node, [x]) => ({ out: p.softmax(x!), pre: x! }),
};

export const dropout: LayerBuilder = {
  build(ctx, node, [x], [cols]) {
    const rate = Number(node.params.rate);
    if (!ctx.training || rate === 0) return { out: x! };
    const name = `${node.id}.mask`;
    const input = ctx.p.input(name, [BATCH, cols!]);
    ctx.masks.push({ name, nodeId: node.id, rate, cols: cols!, input });
    return { out: ctx.p.mul(x!, input) };
  },
};

export const add: LayerBuilder = {
  build: ({ p }, _node, inputs) => ({ out: inputs.slice(1).reduce((acc, v) => p.add(acc, v), inputs[0]!) }),
};

export const concatenate: LayerBuilder = {
  build: ({ p }, _node, inputs) => ({ out: p.concat(inputs) }),
};
