/** LayerNorm: each sample normalised over all its values, then scaled and shifted element by element. */
import { pyNumber } from '../backprop/ops/elementwise.ts';
import type { LayerDef } from './layer.ts';
import { BATCH, type Shape } from '../backprop/ir.ts';
import { elements, epsilonParam } from './params.ts';

/** Statistics per sample: [N, 1, …]. */
const rowShape = (s: readonly number[]): Shape => [BATCH, ...s.map(() => 1)];

export const layerNorm: LayerDef = {
  spec: {
    name: 'LayerNorm',
    category: 'normalization',
    description:
      'Normalises each sample over all its values (no batch statistics), then scales and shifts each value (learned gamma and beta).',
    params: [epsilonParam],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: () => 'per sample',
  outputShape: (_node, [s]) => ({ shape: s! }),
  params(_node, [s]) {
    const shape = [1, ...s!];
    const n = elements(s!);
    return [
      { suffix: 'gamma', shape, init: 'ones', fanIn: n, fanOut: n, regularize: false },
      { suffix: 'beta', shape, init: 'zeros', fanIn: n, fanOut: n, regularize: false },
    ];
  },
  build({ p }, node, [x], [s], { gamma, beta }) {
    const n = elements(s!);
    const mean = p.scale(p.sumTo(x!, rowShape(s!)), 1 / n);
    const centred = p.sub(x!, mean);
    const variance = p.scale(p.sumTo(p.square(centred), rowShape(s!)), 1 / n);
    const normed = p.div(centred, p.sqrt(p.add(variance, p.const(Number(node.params.epsilon)))));
    return { out: p.add(p.mul(normed, gamma!), beta!) };
  },
  torch: {
    module: (node, [s]) => `nn.LayerNorm([${s!.join(', ')}], eps=${pyNumber(Number(node.params.epsilon))})`,
    load: (_node, t) => [
      `${t.self}.weight.copy_(torch.tensor(${t.literal('gamma')})[0])`,
      `${t.self}.bias.copy_(torch.tensor(${t.literal('beta')})[0])`,
    ],
    forward: (_node, [src], t) => `self.${t.self}(${src})`,
    // nn.LayerNorm's weight and bias have the sample's shape; Netwright's a leading 1.
    params: (_node, self) => ({ gamma: `${self}.weight.unsqueeze(0)`, beta: `${self}.bias.unsqueeze(0)` }),
  },
  onnxImport: {
    ops: ['LayerNormalization'],
    read(n, ctx) {
      const axis = Number(ctx.attr('axis')?.i ?? -1);
      const rank = ctx.inShape.length + 1;
      if (axis !== 1 && axis !== 1 - rank)
        ctx.refuse(`normalises from axis ${axis}; Netwright normalises each whole sample`);
      const shape = [1, ...ctx.inShape];
      const scale = ctx.tensor(n.input[1]!);
      const bias = n.input[2] ? ctx.tensor(n.input[2]) : { dims: shape, data: new Float32Array(elements(ctx.inShape)) };
      if (scale.data.length !== elements(ctx.inShape))
        ctx.refuse(`has ${scale.data.length} scales for ${elements(ctx.inShape)} values`);
      return {
        type: 'LayerNorm',
        params: { epsilon: ctx.attr('epsilon')?.f ?? 1e-5 },
        weights: { gamma: { shape, data: scale.data }, beta: { shape, data: bias.data } },
      };
    },
  },
};
