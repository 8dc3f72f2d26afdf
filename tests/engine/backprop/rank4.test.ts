/**
 * Values of rank above 2 (image batches [N, C, H, W]): broadcasting, reductions and reshapes have
 * exact gradients (finite differences in float64), the generated code computes what the per-op
 * kernels compute, and the ONNX emitter's graph computes the same through onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program, type BinaryOp, type Shape } from '../../../src-engine/backprop/ir.ts';
import { gradients } from '../../../src-engine/backprop/rules.ts';
import { GraphBuilder } from '../../../src-engine/onnx/builder.ts';
import { emitProgram } from '../../../src-engine/onnx/emit.ts';
import { encodeModel } from '../../../src-engine/onnx/schema.ts';
import { createSession, loadOrt } from '../../../src-engine/node/ort/runtime.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';

const N = BATCH;

/** A program: loss = Σ build(inputs) ⊙ R, with the gradients of every input. */
function fragment(inputs: { name: string; shape: Shape }[], build: (p: Program, ins: number[]) => number) {
  const p = new Program();
  const ins = inputs.map((s) => p.input(s.name, s.shape));
  const out = build(p, ins);
  const r = p.input('__upstream', p.shape(out));
  const loss = p.sumAll(p.mul(out, r));
  const grads = gradients(p, loss, ins);
  return { p, ins, out, loss, grads };
}

function fillAll(exe: Executable, names: string[], seed: number): void {
  const rng = new SeededRng(seed);
  for (const n of names) {
    const b = exe.input(n);
    for (let i = 0; i < b.length; i++) b[i] = (rng.uniform() < 0.5 ? -1 : 1) * (0.3 + 1.5 * rng.uniform());
  }
}

function gradError(inputs: { name: string; shape: Shape }[], build: (p: Program, ins: number[]) => number): number {
  const { p, loss, grads } = fragment(inputs, build);
  const exe = new Executable(p, [loss, ...grads], { batch: 2, dtype: 'float64' });
  const names = [...inputs.map((s) => s.name), '__upstream'];
  fillAll(exe, names, 3);
  exe.run();
  let worst = 0;
  inputs.forEach((s, k) => {
    const analytic = Float64Array.from(exe.value(grads[k]!));
    const buf = exe.input(s.name);
    for (let i = 0; i < buf.length; i++) {
      const v = buf[i]!;
      const h = 1e-5;
      buf[i] = v + h;
      exe.run();
      const lp = exe.value(loss)[0]!;
      buf[i] = v - h;
      exe.run();
      const lm = exe.value(loss)[0]!;
      buf[i] = v;
      const numeric = (lp - lm) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric)));
    }
    exe.run();
  });
  return worst;
}

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
const cases: {
  name: string;
  inputs: { name: string; shape: Shape }[];
  build: (p: Program, ins: number[]) => number;
}[] = [];
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
      expect(gradError(c.inputs, c.build)).toBeLessThan(1e-6);
    });
  }
});

describe('rank-4 values: generated code, per-op kernels and ONNX agree', () => {
  it(`on all ${cases.length} fragments (values and gradients)`, async () => {
    const ort = await loadOrt();
    let checked = 0;
    for (const c of cases) {
      const { p, out, grads } = fragment(c.inputs, c.build);
      const outputs = [out, ...grads];
      const names = [...c.inputs.map((s) => s.name), '__upstream'];
      const batch = 3;
      // In float64 the fused code's registers and the per-op buffers round alike: exactly equal.
      const fused64 = new Executable(p, outputs, { batch, dtype: 'float64' });
      const plain64 = new Executable(p, outputs, { batch, dtype: 'float64', codegen: false });
      expect(fused64.generated).toBe(true);
      fillAll(fused64, names, 11);
      fillAll(plain64, names, 11);
      fused64.run();
      plain64.run();
      for (const o of outputs) expect(Array.from(fused64.value(o)), c.name).toEqual(Array.from(plain64.value(o)));
      const fused = new Executable(p, outputs, { batch, dtype: 'float32' });
      fillAll(fused, names, 11);
      fused.run();

      // The same fragment through ONNX Runtime.
      const b = new GraphBuilder('float32');
      const inputs = new Map<string, string>();
      const feeds: Record<string, unknown> = {};
      for (const name of names) {
        const shape = p.shape(p.inputsByName.get(name)!);
        inputs.set(
          name,
          b.input(
            name,
            shape.map((d) => (d === N ? 'N' : d)),
          ),
        );
        feeds[name] = new ort.Tensor('float32', Float32Array.from(fused.input(name)), fused.dims(shape));
      }
      const batchRef = names.find((n) => p.shape(p.inputsByName.get(n)!)[0] === N)!;
      const emitted = emitProgram(p, b, outputs, { inputs, batchRef: inputs.get(batchRef)! });
      outputs.forEach((o, k) =>
        b.output(
          `out${k}`,
          emitted.get(o)!,
          p.shape(o).map((d) => (d === N ? 'N' : d)),
        ),
      );
      const session = await createSession(encodeModel(b.model('rank4', {})));
      const res = await session.run(feeds as never);
      outputs.forEach((o, k) => {
        const got = res[`out${k}`]!;
        expect(got.dims, c.name).toEqual(fused.dims(p.shape(o)));
        const want = fused.value(o);
        const data = got.data as Float32Array;
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(data[i]! - want[i]!), `${c.name} output ${k}[${i}]`).toBeLessThan(
            1e-4 * Math.max(1, Math.abs(want[i]!)),
          );
      });
      checked++;
    }
    expect(checked).toBe(cases.length);
  });
});
