/** Dense (fully connected) layers: activation(x · W + b). Output is a Dense layer with a loss. */
import { BATCH } from '../backprop/ir.ts';
import { activationTorch, applyActivation, type ActivationName } from './activations.ts';
import type { InitializerName } from './init.ts';
import type { ImportedLayer, LayerDef, LayerSpec } from './layer.ts';
import {
  activationParam,
  alphaParam,
  describe,
  initializerParam,
  shapeText,
  unitsParam,
  useBiasParam,
} from './params.ts';

/** The layer definition shared by Dense and Output (which differ in their catalog entry). */
export function denseLayer(spec: LayerSpec): LayerDef {
  return {
    spec,
    summary: (p) => `${p.units} units · ${p.activation}${p.loss === undefined ? '' : ` · ${p.loss}`}`,
    outputShape(node, [s]) {
      if (s!.length !== 1)
        return {
          problem: `${describe(node)} takes a flat vector of features but receives ${shapeText(s!)} values per sample: insert a Flatten layer before it.`,
        };
      return { shape: [Number(node.params.units)] };
    },
    params(node, [s]) {
      const fanIn = s![0]!;
      const units = Number(node.params.units);
      const init = node.params.initializer as InitializerName;
      return [
        { suffix: 'W', shape: [fanIn, units], init, fanIn, fanOut: units, regularize: true },
        ...(node.params.use_bias
          ? [{ suffix: 'b', shape: [1, units], init: 'zeros' as const, fanIn, fanOut: units, regularize: false }]
          : []),
      ];
    },
    build({ p }, node, [x], _shapes, { W, b }) {
      let z = p.matmul(x!, W!);
      if (b !== undefined) z = p.add(z, b);
      if (p.shape(z)[0] !== BATCH) throw new Error(`${node.id}: expected a batch of rows`);
      return {
        out: applyActivation(p, z, node.params.activation as ActivationName, Number(node.params.alpha)),
        pre: z,
      };
    },
    torch: {
      module: (node, [s]) =>
        `nn.Linear(${s![0]}, ${Number(node.params.units)}, bias=${node.params.use_bias ? 'True' : 'False'})`,
      // nn.Linear stores its weight as [out, in]: W transposed.
      load: (_node, t) => [
        `${t.self}.weight.copy_(torch.tensor(${t.literal('W', [1, 0])}))`,
        ...(t.has('b') ? [`${t.self}.bias.copy_(torch.tensor(${t.literal('b')}[0]))`] : []),
      ],
      forward: (node, [src], t) =>
        activationTorch(node.params.activation as ActivationName, `self.${t.self}(${src})`, Number(node.params.alpha)),
      params: (node, self) => ({
        W: `${self}.weight.t()`,
        ...(node.params.use_bias ? { b: `${self}.bias.reshape(1, -1)` } : {}),
      }),
    },
    onnxImport: {
      ops: ['Gemm', 'MatMul', 'Add'],
      read(n, ctx) {
        const inSize = ctx.inShape.length === 1 ? ctx.inShape[0]! : -1;
        const check = (fanIn: number) => {
          if (inSize >= 0 && fanIn !== inSize) ctx.refuse(`takes ${fanIn} inputs but receives ${inSize}`);
        };
        const dense = (W: Float32Array, fanIn: number, units: number, b: Float32Array | null): ImportedLayer => ({
          type: 'Dense',
          params: { units, use_bias: b !== null, activation: 'linear', alpha: 0.01, initializer: 'glorot_uniform' },
          weights: { W: { shape: [fanIn, units], data: W }, ...(b ? { b: { shape: [1, units], data: b } } : {}) },
        });
        if (n.opType === 'Gemm') {
          const [, bName, cName] = n.input;
          const alpha = ctx.attr('alpha')?.f ?? 1;
          const beta = ctx.attr('beta')?.f ?? 1;
          if (Number(ctx.attr('transA')?.i ?? 0) !== 0) ctx.refuse('transposes its input (transA)');
          const Wt = ctx.tensor(bName!);
          if (Wt.dims.length !== 2) ctx.refuse(`has weights of rank ${Wt.dims.length}`);
          const transB = Number(ctx.attr('transB')?.i ?? 0) !== 0;
          const [r, c] = Wt.dims as [number, number];
          const fanIn = transB ? c : r;
          const units = transB ? r : c;
          check(fanIn);
          const W = new Float32Array(fanIn * units);
          for (let i = 0; i < fanIn; i++)
            for (let j = 0; j < units; j++)
              W[i * units + j] = alpha * (transB ? Wt.data[j * c + i]! : Wt.data[i * c + j]!);
          let b: Float32Array | null = null;
          if (cName) {
            const bt = ctx.tensor(cName);
            if (bt.data.length !== units && bt.data.length !== 1)
              ctx.refuse(`has a bias of ${bt.data.length} values for ${units} units`);
            b = Float32Array.from({ length: units }, (_, j) => beta * bt.data[bt.data.length === 1 ? 0 : j]!);
          }
          return dense(W, fanIn, units, b);
        }
        if (n.opType === 'MatMul') {
          if (!ctx.isConstant(n.input[1]!)) ctx.refuse('multiplies the weights from the left');
          const Wt = ctx.tensor(n.input[1]!);
          if (Wt.dims.length !== 2) ctx.refuse(`has weights of rank ${Wt.dims.length}`);
          check(Wt.dims[0]!);
          return dense(Wt.data, Wt.dims[0]!, Wt.dims[1]!, null);
        }
        // Add: the bias of a MatMul just read.
        const last = ctx.last;
        const other = n.input.find((i) => ctx.isConstant(i));
        if (!last || last.type !== 'Dense' || last.weights.b || last.params.activation !== 'linear' || !other)
          ctx.refuse('adds values that are not the bias of a dense layer');
        const bt = ctx.tensor(other!);
        const units = Number(last!.params.units);
        if (bt.data.length !== units) ctx.refuse(`adds ${bt.data.length} values to ${units} units`);
        last!.weights.b = { shape: [1, units], data: bt.data };
        last!.params.use_bias = true;
        return null;
      },
    },
  };
}

export const dense = denseLayer({
  name: 'Dense',
  category: 'core',
  description: 'Fully connected layer: activation(x · W + b).',
  params: [unitsParam(8), useBiasParam, initializerParam, activationParam('relu', 'Applied to x · W + b.'), alphaParam],
  inputs: { min: 1, max: 1 },
  hasOutput: true,
});
