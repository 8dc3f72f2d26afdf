/** Dense (and Output) layers: activation(x · W + b). */
import type { ActivationName, InitializerName } from '../graph/catalog.ts';
import { BATCH } from '../backprop/ir.ts';
import { applyActivation } from './activation.ts';
import type { LayerBuilder, ParamDecl } from './layer.ts';

export const dense: LayerBuilder = {
  build(ctx, node, inputs, inSizes) {
    const { p } = ctx;
    const units = Number(node.params.units);
    const fanIn = inSizes[0]!;
    const init = node.params.initializer as InitializerName;
    const wName = `${node.id}.W`;
    const W: ParamDecl = {
      name: wName,
      nodeId: node.id,
      kind: 'W',
      shape: [fanIn, units],
      init,
      fanIn,
      fanOut: units,
      input: p.input(wName, [fanIn, units]),
    };
    ctx.params.push(W);
    let z = p.matmul(inputs[0]!, W.input);
    if (node.params.use_bias) {
      const bName = `${node.id}.b`;
      const b: ParamDecl = {
        name: bName,
        nodeId: node.id,
        kind: 'b',
        shape: [1, units],
        init: 'zeros',
        fanIn,
        fanOut: units,
        input: p.input(bName, [1, units]),
      };
      ctx.params.push(b);
      z = p.add(z, b.input);
    }
    if (p.shape(z)[0] !== BATCH) throw new Error(`${node.id}: expected a batch of rows`);
    return { out: applyActivation(p, z, node.params.activation as ActivationName, Number(node.params.alpha)), pre: z };
  },
};
