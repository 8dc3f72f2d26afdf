/**
 * BatchNorm: each channel (or feature) normalised to zero mean and unit variance, then scaled by
 * gamma and shifted by beta. Training normalises with the batch's own statistics and updates the
 * running mean and variance (running = (1 - momentum) · running + momentum · batch, with the
 * unbiased batch variance, as PyTorch does); inference normalises with the running statistics.
 * The running statistics are non-trainable parameters: saved with the weights, no gradient.
 */
import type { Shape } from '../backprop/ir.ts';
import type { LayerDef } from './layer.ts';
import { pyNumber } from '../backprop/ops/elementwise.ts';
import { describe, epsilonParam } from './params.ts';

/** Statistics shape [1, C, 1, 1] (images) or [1, F] (features). */
const statShape = (s: readonly number[]): Shape => [1, s[0]!, ...s.slice(1).map(() => 1)];

export const batchNorm: LayerDef = {
  spec: {
    name: 'BatchNorm',
    category: 'normalization',
    description:
      'Normalises each channel (or feature) over the batch, then scales and shifts it (learned gamma and beta); uses running statistics at inference.',
    params: [
      {
        name: 'momentum',
        label: 'Momentum',
        type: 'float',
        default: 0.1,
        min: 0,
        max: 1,
        description: "Weight of each batch's statistics in the running ones (PyTorch's convention).",
      },
      epsilonParam,
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) => `momentum ${p.momentum}`,
  outputShape(node, [s]) {
    if (s!.length !== 1 && s!.length !== 3)
      return { problem: `${describe(node)} normalises features or image channels, not ${s!.length}-d values.` };
    return { shape: s! };
  },
  params(_node, [s]) {
    const shape = statShape(s!);
    const c = s![0]!;
    return [
      { suffix: 'gamma', shape, init: 'ones', fanIn: c, fanOut: c, regularize: false },
      { suffix: 'beta', shape, init: 'zeros', fanIn: c, fanOut: c, regularize: false },
      { suffix: 'running_mean', shape, init: 'zeros', fanIn: c, fanOut: c, regularize: false, trainable: false },
      { suffix: 'running_var', shape, init: 'ones', fanIn: c, fanOut: c, regularize: false, trainable: false },
    ];
  },
  build(ctx, node, [x], [s], { gamma, beta, running_mean: rm, running_var: rv }) {
    const { p } = ctx;
    const eps = Number(node.params.epsilon);
    if (!ctx.training) return { out: p.batchNorm(x!, gamma!, beta!, rm!, rv!, eps) };
    const shape = statShape(s!);
    const perRow = s!.slice(1).reduce((a, b) => a * b, 1);
    const count = p.scale(p.rows(x!), perRow);
    const mean = p.div(p.sumTo(x!, shape), count);
    const centred = p.sub(x!, mean);
    const variance = p.div(p.sumTo(p.square(centred), shape), count);
    const out = p.add(p.mul(gamma!, p.div(centred, p.sqrt(p.add(variance, p.const(eps))))), beta!);
    const m = Number(node.params.momentum);
    // The unbiased variance n / (n - 1) (one value per channel cannot have one: kept as is).
    const unbiased = p.mul(variance, p.div(count, p.maximum(p.sub(count, p.const(1)), p.const(1))));
    ctx.updates.push(
      { name: `${node.id}.running_mean`, next: p.add(p.scale(rm!, 1 - m), p.scale(mean, m)) },
      { name: `${node.id}.running_var`, next: p.add(p.scale(rv!, 1 - m), p.scale(unbiased, m)) },
    );
    return { out };
  },
  torch: {
    module: (node, [s]) =>
      `nn.BatchNorm${s!.length === 3 ? '2' : '1'}d(${s![0]}, eps=${pyNumber(Number(node.params.epsilon))}, momentum=${pyNumber(Number(node.params.momentum))})`,
    load: (_node, t) =>
      (
        [
          ['weight', 'gamma'],
          ['bias', 'beta'],
          ['running_mean', 'running_mean'],
          ['running_var', 'running_var'],
        ] as const
      ).map(([torchName, suffix]) => `${t.self}.${torchName}.copy_(torch.tensor(${t.literal(suffix)}).reshape(-1))`),
    // PyTorch refuses to train on one value per channel (a last batch of one row, before image
    // channels of 1 × 1): Netwright's batch variance is then 0, so the output is beta (helpers).
    forward: (_node, [src], t) =>
      `(self.${t.self}(${src}) if not self.training or ${src}.numel() > ${src}.shape[1] else _batch_norm_one_value(self.${t.self}, ${src}))`,
    helpers: `def _batch_norm_one_value(bn, x):
    """BatchNorm training on one value per channel, as Netwright computes it: the batch's variance is
    0 (so is its unbiased estimate), the output is the shift beta; the running statistics move."""
    with torch.no_grad():
        bn.running_mean.mul_(1 - bn.momentum).add_(x.reshape(-1), alpha=bn.momentum)
        bn.running_var.mul_(1 - bn.momentum)
    shape = [1, -1] + [1] * (x.dim() - 2)
    # Zero, yet in the graph: x and gamma get zero gradients (not None), as in Netwright.
    centred = x - x.mean(dim=[0] + list(range(2, x.dim())), keepdim=True)
    return bn.weight.reshape(shape) * centred / math.sqrt(bn.eps) + bn.bias.reshape(shape)`,
    // nn.BatchNorm*d keeps vectors (the running statistics as buffers); Netwright [1, C, 1, 1] or [1, F].
    params(_node, self, [s]) {
      const shape = statShape(s!).join(', ');
      return {
        gamma: `${self}.weight.reshape(${shape})`,
        beta: `${self}.bias.reshape(${shape})`,
        running_mean: `${self}.running_mean.reshape(${shape})`,
        running_var: `${self}.running_var.reshape(${shape})`,
      };
    },
  },
  onnxImport: {
    ops: ['BatchNormalization'],
    read(n, ctx) {
      if (Number(ctx.attr('training_mode')?.i ?? 0) !== 0) ctx.refuse('is in training mode');
      if (n.output.length > 1 && n.output.slice(1).some((o) => o)) ctx.refuse('outputs running statistics');
      const c = ctx.inShape[0] ?? -1;
      const [scale, bias, mean, variance] = n.input.slice(1).map((name) => ctx.tensor(name));
      const shape = ctx.inShape.length === 3 ? [1, c, 1, 1] : [1, c];
      for (const t of [scale!, bias!, mean!, variance!])
        if (t.data.length !== c) ctx.refuse(`has ${t.data.length} statistics for ${c} channels`);
      const w = (t: { data: Float32Array }) => ({ shape, data: t.data });
      return {
        type: 'BatchNorm',
        params: {
          epsilon: ctx.attr('epsilon')?.f ?? 1e-5,
          // ONNX's momentum weighs the running statistics, PyTorch's the batch's.
          momentum: 1 - (ctx.attr('momentum')?.f ?? 0.9),
        },
        weights: { gamma: w(scale!), beta: w(bias!), running_mean: w(mean!), running_var: w(variance!) },
      };
    },
  },
};
