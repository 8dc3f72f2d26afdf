/**
 * Values of rank above 2 (image batches [N, C, H, W]): broadcasting, reductions and reshapes have
 * exact gradients (finite differences in float64), the generated code computes what the per-op
 * kernels compute, and the ONNX emitter's graph computes the same through onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { BATCH, type BinaryOp, type Shape } from '../../../src-engine/backprop/ir.ts';
import { checkFusedAndOnnx, gradError, type FragmentCase } from './fragments.ts';

const N = BATCH;

const IMG: Shape = [N, 3, 4, 5];
const fmt = (s: Shape) => s.map((d) => (d === N ? 'N' : d)).join('×');

const binaryLayouts: [Shape, Shape][] = [
  [IMG, IMG],
  [IMG, [1, 3, 1, 1]],
  [[1, 3, 1, 1], IMG],
  [IMG, [1, 1, 4, 5]],
  [IMG, [1, 1]],
  [IMG, [N, 1, 1, 1]],
  [IMG, [4, 1]],
  [
    [N, 3, 1, 5],
    [1, 1, 4, 1],
  ],
];
const cases: FragmentCase[] = [];
for (const op of ['add', 'sub', 'mul', 'div', 'maximum'] as BinaryOp[]) {
  for (const [sa, sb] of binaryLayouts) {
    cases.push({
      name: `${op} ${fmt(sa)} with ${fmt(sb)}`,
      inputs: [
        { name: 'a', shape: sa },
        { name: 'b', shape: sb },
      ],
      build: (p, [a, b]) => p.binary(op, a!, b!),
    });
  }
}
for (const target of [
  [1, 3, 1, 1],
  [1, 1],
  [N, 1, 1, 1],
  [1, 1, 4, 5],
  [4, 5],
  [N, 3, 4, 1],
] as Shape[]) {
  cases.push({
    name: `sumTo ${fmt(IMG)} → ${fmt(target)}`,
    inputs: [{ name: 'x', shape: IMG }],
    build: (p, [x]) => p.sumTo(x!, target),
  });
}
for (const src of [
  [1, 3, 1, 1],
  [N, 1, 4, 1],
  [1, 1],
] as Shape[]) {
  cases.push({
    name: `broadcastTo ${fmt(src)} → ${fmt(IMG)}`,
    inputs: [{ name: 'x', shape: src }],
    build: (p, [x]) => p.broadcastTo(x!, IMG),
  });
}
cases.push(
  {
    name: 'reshape [N, 3, 4, 5] → [N, 60] feeding a matmul',
    inputs: [
      { name: 'x', shape: IMG },
      { name: 'w', shape: [60, 2] },
    ],
    build: (p, [x, w]) => p.matmul(p.reshape(x!, [N, 60]), w!),
  },
  {
    name: 'reshape [N, 12] → [N, 3, 2, 2] with a per-channel bias',
    inputs: [
      { name: 'x', shape: [N, 12] },
      { name: 'b', shape: [1, 3, 1, 1] },
    ],
    build: (p, [x, b]) => p.mul(p.reshape(x!, [N, 3, 2, 2]), p.unary('tanh', p.add(p.reshape(x!, [N, 3, 2, 2]), b!))),
  },
  {
    name: 'softmax and logsumexp over the last axis of [N, 2, 5]',
    inputs: [{ name: 'x', shape: [N, 2, 5] }],
    build: (p, [x]) => p.add(p.softmax(x!), p.logsumexp(x!)),
  },
  {
    name: 'concat of [N, 2, 3, 3] and [N, 1, 3, 3] along channels',
    inputs: [
      { name: 'a', shape: [N, 2, 3, 3] },
      { name: 'b', shape: [N, 1, 3, 3] },
    ],
    build: (p, [a, b]) => p.unary('sigmoid', p.concat([a!, b!])),
  },
  {
    name: 'batch norm over N, H, W composed from primitives',
    inputs: [
      { name: 'x', shape: IMG },
      { name: 'gamma', shape: [1, 3, 1, 1] },
    ],
    build: (p, [x, gamma]) => {
      const count = p.scale(p.rows(x!), 20);
      const mean = p.div(p.sumTo(x!, [1, 3, 1, 1]), count);
      const d = p.sub(x!, mean);
      const variance = p.div(p.sumTo(p.square(d), [1, 3, 1, 1]), count);
      return p.mul(gamma!, p.div(d, p.sqrt(p.add(variance, p.const(1e-5)))));
    },
  },
);

describe('rank-4 values: gradients by finite differences (float64)', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(gradError(c)).toBeLessThan(1e-6);
    });
  }
});

describe('rank-4 values: generated code, per-op kernels and ONNX agree', () => {
  it(`on all ${cases.length} fragments (values and gradients)`, async () => {
    expect(await checkFusedAndOnnx(cases)).toBe(cases.length);
  });
});
