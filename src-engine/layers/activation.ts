/** Activation: an element-wise function applied to every value. */
import {
  activationDef,
  activationForOnnx,
  activationTorch,
  applyActivation,
  ACTIVATIONS,
  type ActivationName,
} from './activations.ts';
import type { LayerDef } from './layer.ts';
import { activationParam, alphaParam, describe } from './params.ts';

/** ONNX op types of every activation. */
const ONNX_OPS = ACTIVATIONS.flatMap((a) => [...(activationDef(a).onnx ?? [])]);

export const activation: LayerDef = {
  spec: {
    name: 'Activation',
    category: 'activations',
    description: 'An element-wise activation function.',
    params: [activationParam('relu', 'The function applied to each value.', 'Function'), alphaParam],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) => String(p.activation),
  outputShape(node, [s]) {
    if (node.params.activation === 'softmax' && s!.length !== 1)
      return { problem: `${describe(node)}: softmax normalises a vector of scores; flatten the input first.` };
    return { shape: s! };
  },
  build: ({ p }, node, [x]) => ({
    out: applyActivation(p, x!, node.params.activation as ActivationName, Number(node.params.alpha)),
    pre: x!,
  }),
  torch: {
    forward: (node, [src]) =>
      activationTorch(node.params.activation as ActivationName, src!, Number(node.params.alpha)),
  },
  onnxImport: {
    ops: ONNX_OPS,
    read(n, ctx) {
      const act = activationForOnnx(n.opType)!;
      if (n.opType === 'Softmax') {
        const axis = ctx.attr('axis') ? Number(ctx.attr('axis')!.i) : -1;
        if (axis !== 1 && axis !== -1) ctx.refuse(`normalises over axis ${axis}, not the features`);
      }
      const alpha =
        n.opType === 'LeakyRelu'
          ? (ctx.attr('alpha')?.f ?? 0.01)
          : n.opType === 'Elu'
            ? (ctx.attr('alpha')?.f ?? 1)
            : 0.01;
      const last = ctx.last;
      if (!last) ctx.refuse('comes before any dense or convolution layer');
      // An activation right after a linear dense or convolution layer is that layer's activation.
      if ((last!.type === 'Dense' || last!.type === 'Conv2D') && last!.params.activation === 'linear') {
        last!.params.activation = act;
        last!.params.alpha = alpha;
        return null;
      }
      return { type: 'Activation', params: { activation: act, alpha }, weights: {} };
    },
  },
};
